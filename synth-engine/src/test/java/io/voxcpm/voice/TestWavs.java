package io.voxcpm.voice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds WAV files in memory: a sine of the given amplitude, in any of the encodings the registry reads. */
public final class TestWavs {

    private TestWavs() {
    }

    /**
     * @param amplitude peak level, 1.0 = full scale
     * @param bits      8, 16, 24 or 32 (integer) or 32/64 with {@code floating}
     */
    public static byte[] sine(int rate, int channels, int bits, boolean floating, double seconds, double hz, double amplitude) {
        int frames = (int) Math.round(seconds * rate);
        double[] signal = new double[frames];
        for (int i = 0; i < frames; i++) {
            signal[i] = amplitude * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return wav(rate, channels, bits, floating, signal);
    }

    public static byte[] wav(int rate, int channels, int bits, boolean floating, double[] signal) {
        int bytes = bits / 8;
        int data = signal.length * channels * bytes;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) (floating ? 3 : 1)).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * bytes).putShort((short) (channels * bytes)).putShort((short) bits);
        b.put("data".getBytes()).putInt(data);
        for (double x : signal) {
            for (int c = 0; c < channels; c++) {
                put(b, x, bits, floating);
            }
        }
        return b.array();
    }

    private static void put(ByteBuffer b, double x, int bits, boolean floating) {
        if (floating) {
            if (bits == 32) {
                b.putFloat((float) x);
            } else {
                b.putDouble(x);
            }
            return;
        }
        double c = Math.max(-1.0, Math.min(1.0, x));
        switch (bits) {
            case 8 -> b.put((byte) (Math.min(255, Math.round(c * 128) + 128)));
            case 16 -> b.putShort((short) Math.min(Short.MAX_VALUE, Math.round(c * 32768)));
            case 24 -> {
                int v = (int) Math.min(8388607, Math.round(c * 8388608));
                b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
            }
            default -> b.putInt((int) Math.min(Integer.MAX_VALUE, Math.round(c * 2147483648.0)));
        }
    }

    /** A plain 16 kHz-ish speech-level test recording. */
    public static byte[] speechLike(double seconds) {
        return sine(22050, 1, 16, false, seconds, 330, 0.3);
    }
}
