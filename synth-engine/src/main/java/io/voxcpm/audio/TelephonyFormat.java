package io.voxcpm.audio;

import java.util.Arrays;

/** An encoding at a sample rate, as negotiated in SDP. Mono only, as RTP telephony audio is. */
public record TelephonyFormat(Encoding encoding, int sampleRate) {

    public static final TelephonyFormat PCMU_8K = new TelephonyFormat(Encoding.PCMU, 8000);
    public static final TelephonyFormat PCMA_8K = new TelephonyFormat(Encoding.PCMA, 8000);
    public static final TelephonyFormat L16_8K = new TelephonyFormat(Encoding.L16, 8000);
    public static final TelephonyFormat L16_16K = new TelephonyFormat(Encoding.L16, 16000);
    public static final TelephonyFormat G722_16K = new TelephonyFormat(Encoding.G722, 16000);

    public TelephonyFormat {
        if (encoding == null) {
            throw new IllegalArgumentException("encoding is required");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
        }
        if (encoding == Encoding.G722 && sampleRate != 16000) {
            throw new IllegalArgumentException("G.722 samples at 16000 Hz, not " + sampleRate);
        }
    }

    /** Bits one sample takes on the wire: 16 for L16, 8 for G.711, 4 for G.722. */
    public int bitsPerSample() {
        return switch (encoding) {
            case L16 -> 16;
            case PCMU, PCMA -> 8;
            case G722 -> 4;
        };
    }

    /**
     * Whole bytes per sample, for the byte-per-sample encodings.
     *
     * @throws UnsupportedOperationException for G.722, which packs two samples in a byte: use
     *         {@link #bitsPerSample()} or {@link #bytesPerFrame(int)}
     */
    public int bytesPerSample() {
        if (encoding == Encoding.G722) {
            throw new UnsupportedOperationException("G.722 packs two samples per byte");
        }
        return bitsPerSample() / 8;
    }

    /**
     * The RTP timestamp rate: the sampling rate, except for G.722, whose clock runs at 8000 Hz although
     * it samples at 16 kHz (an error in RFC 1890 kept for compatibility, RFC 3551 §4.5.2), so a 20 ms
     * packet advances the timestamp by 160.
     */
    public int rtpClockRate() {
        return encoding == Encoding.G722 ? 8000 : sampleRate;
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
        int bits = samplesPerFrame(ptimeMs) * bitsPerSample();
        if (bits % 8 != 0) {
            throw new IllegalArgumentException("ptime " + ptimeMs + " ms gives no whole number of bytes of " + encoding);
        }
        return bits / 8;
    }

    /**
     * The byte that encodes digital silence (linear 0). For G.711 this is the code of the smallest
     * positive step (0xFF µ-law, 0xD5 A-law), not 0x00, which is near full scale in both laws. G.722 is
     * adaptive, so no byte means silence in every state; 0xFA is what an encoder in its initial state
     * sends for silence (the smallest positive step in both bands). {@link TelephonyEncoder} pads G.722
     * by encoding zero samples instead.
     */
    public byte silenceByte() {
        return switch (encoding) {
            case PCMU -> (byte) 0xFF;
            case PCMA -> (byte) 0xD5;
            case L16 -> 0;
            case G722 -> (byte) 0xFA;
        };
    }

    /** A fresh frame of silence, {@link #bytesPerFrame(int)} long. */
    public byte[] silenceFrame(int ptimeMs) {
        byte[] frame = new byte[bytesPerFrame(ptimeMs)];
        Arrays.fill(frame, silenceByte());
        return frame;
    }
}
