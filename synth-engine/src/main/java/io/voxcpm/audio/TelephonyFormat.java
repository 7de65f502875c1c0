package io.voxcpm.audio;

import java.util.Arrays;

/** An encoding at a sample rate, as negotiated in SDP. Mono only, as RTP telephony audio is. */
public record TelephonyFormat(Encoding encoding, int sampleRate) {

    public static final TelephonyFormat PCMU_8K = new TelephonyFormat(Encoding.PCMU, 8000);
    public static final TelephonyFormat PCMA_8K = new TelephonyFormat(Encoding.PCMA, 8000);
    public static final TelephonyFormat L16_8K = new TelephonyFormat(Encoding.L16, 8000);
    public static final TelephonyFormat L16_16K = new TelephonyFormat(Encoding.L16, 16000);

    public TelephonyFormat {
        if (encoding == null) {
            throw new IllegalArgumentException("encoding is required");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
    }

    public int bytesPerSample() {
        return encoding == Encoding.L16 ? 2 : 1;
    }

    /** Samples in one packet of {@code ptimeMs}; ptime must give a whole number of samples. */
    public int samplesPerFrame(int ptimeMs) {
        if (ptimeMs <= 0 || (long) sampleRate * ptimeMs % 1000 != 0) {
            throw new IllegalArgumentException("ptime " + ptimeMs + " ms gives no whole number of samples at "
                    + sampleRate + " Hz");
        }
        return (int) ((long) sampleRate * ptimeMs / 1000);
    }

    public int bytesPerFrame(int ptimeMs) {
        return samplesPerFrame(ptimeMs) * bytesPerSample();
    }

    /**
     * The byte that encodes digital silence (linear 0). For G.711 this is the code of the smallest
     * positive step (0xFF µ-law, 0xD5 A-law), not 0x00, which is near full scale in both laws.
     */
    public byte silenceByte() {
        return switch (encoding) {
            case PCMU -> (byte) 0xFF;
            case PCMA -> (byte) 0xD5;
            case L16 -> 0;
        };
    }

    /** A fresh frame of silence, {@link #bytesPerFrame(int)} long. */
    public byte[] silenceFrame(int ptimeMs) {
        byte[] frame = new byte[bytesPerFrame(ptimeMs)];
        Arrays.fill(frame, silenceByte());
        return frame;
    }
}
