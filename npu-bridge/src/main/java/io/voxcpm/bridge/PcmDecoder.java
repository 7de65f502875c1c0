package io.voxcpm.bridge;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns a byte stream of signed 16-bit little-endian PCM into samples. Transport chunks may split a
 * sample in two, so a trailing odd byte is carried into the next call. Not thread-safe: one per stream.
 */
final class PcmDecoder {

    private int carry = -1;

    short[] decode(ByteBuffer bytes) {
        return decode(List.of(bytes));
    }

    short[] decode(List<ByteBuffer> buffers) {
        int total = carry >= 0 ? 1 : 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        short[] out = new short[total / 2];
        int n = 0;
        for (ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                int value = b.get() & 0xFF;
                if (carry < 0) {
                    carry = value;
                } else {
                    out[n++] = (short) (carry | (value << 8));
                    carry = -1;
                }
            }
        }
        return out;
    }

    /** True when the stream ended in the middle of a sample. */
    boolean hasDanglingByte() {
        return carry >= 0;
    }
}
