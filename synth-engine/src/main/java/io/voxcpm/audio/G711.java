package io.voxcpm.audio;

/**
 * ITU-T G.711 µ-law and A-law, bit-exact with sox. The segment coding is the classic one (Sun's
 * g711.c, as in G.191) on 14-bit (µ-law) and 13-bit (A-law) samples; like sox, the 16-bit sample is
 * first rounded to that width, not truncated as G.191 does, which removes a half-step bias toward
 * minus infinity. Encoding is one lookup in a 64 KiB table per law, indexed by the 16-bit sample.
 */
public final class G711 {

    private static final int ULAW_BIAS = 0x84 >> 2; // 0x84 is the 16-bit bias; we work in 14-bit units
    private static final int ULAW_CLIP = 8159;      // largest 14-bit magnitude µ-law can code

    private static final byte[] LINEAR_TO_ULAW = new byte[1 << 16];
    private static final byte[] LINEAR_TO_ALAW = new byte[1 << 16];
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
            // Round half up to 14 / 13 bits; the top few samples round past the largest value and clip.
            LINEAR_TO_ULAW[s + 32768] = encodeUlaw14(Math.min((s + 2) >> 2, (1 << 13) - 1));
            LINEAR_TO_ALAW[s + 32768] = encodeAlaw13(Math.min((s + 4) >> 3, (1 << 12) - 1));
        }
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = decodeUlaw(code);
            ALAW_TO_LINEAR[code] = decodeAlaw(code);
        }
    }

    private G711() {
    }

    public static byte linearToUlaw(short sample) {
        return LINEAR_TO_ULAW[sample + 32768];
    }

    public static short ulawToLinear(byte code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    public static byte linearToAlaw(short sample) {
        return LINEAR_TO_ALAW[sample + 32768];
    }

    public static short alawToLinear(byte code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    /** Encodes {@code len} samples into {@code dst} from {@code dstOff}, one byte each. */
    public static void encodeUlaw(short[] src, int off, int len, byte[] dst, int dstOff) {
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = LINEAR_TO_ULAW[src[off + i] + 32768];
        }
    }

    /** Encodes {@code len} samples into {@code dst} from {@code dstOff}, one byte each. */
    public static void encodeAlaw(short[] src, int off, int len, byte[] dst, int dstOff) {
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = LINEAR_TO_ALAW[src[off + i] + 32768];
        }
    }

    private static byte encodeUlaw14(int v) {
        int mask;
        if (v < 0) {
            v = -v;
            mask = 0x7F;
        } else {
            mask = 0xFF;
        }
        v = Math.min(v, ULAW_CLIP) + ULAW_BIAS;
        int seg = segment(v, 0x3F);
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        return (byte) (((seg << 4) | ((v >> (seg + 1)) & 0xF)) ^ mask);
    }

    private static byte encodeAlaw13(int v) {
        int mask;
        if (v >= 0) {
            mask = 0xD5; // even bits inverted, sign bit set for positive
        } else {
            mask = 0x55;
            v = -v - 1; // A-law is symmetric about -1/2, so -1 codes like 0
        }
        int seg = segment(v, 0x1F);
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        int quant = seg < 2 ? (v >> 1) & 0xF : (v >> seg) & 0xF;
        return (byte) (((seg << 4) | quant) ^ mask);
    }

    /** Index of the first segment whose upper bound (firstEnd, doubling) is at least {@code v}; 8 if none. */
    private static int segment(int v, int firstEnd) {
        int seg = 0;
        for (int end = firstEnd; seg < 8 && v > end; end = (end << 1) | 1) {
            seg++;
        }
        return seg;
    }

    private static short decodeUlaw(int code) {
        int u = ~code & 0xFF;
        int t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    private static short decodeAlaw(int code) {
        int a = (code ^ 0x55) & 0xFF;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        if (seg == 0) {
            t += 8;
        } else {
            t = (t + 0x108) << (seg - 1);
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
