package io.voxcpm.audio;

/**
 * ITU-T G.711 µ-law and A-law, bit-exact with the reference implementation (Sun's g711.c as used by
 * sox and G.191): µ-law works on the top 14 bits of a sample and A-law on the top 13, truncating
 * (arithmetic shift), so the tables are indexed by the shifted sample and hold every possible code.
 */
public final class G711 {

    private static final int ULAW_BIAS = 0x84 >> 2; // 0x84 is the 16-bit bias; we work in 14-bit units
    private static final int ULAW_CLIP = 8159;      // largest 14-bit magnitude µ-law can code

    private static final byte[] LINEAR14_TO_ULAW = new byte[1 << 14];
    private static final byte[] LINEAR13_TO_ALAW = new byte[1 << 13];
    private static final short[] ULAW_TO_LINEAR = new short[256];
    private static final short[] ALAW_TO_LINEAR = new short[256];

    static {
        for (int v = -(1 << 13); v < (1 << 13); v++) {
            LINEAR14_TO_ULAW[v + (1 << 13)] = encodeUlaw14(v);
        }
        for (int v = -(1 << 12); v < (1 << 12); v++) {
            LINEAR13_TO_ALAW[v + (1 << 12)] = encodeAlaw13(v);
        }
        for (int code = 0; code < 256; code++) {
            ULAW_TO_LINEAR[code] = decodeUlaw(code);
            ALAW_TO_LINEAR[code] = decodeAlaw(code);
        }
    }

    private G711() {
    }

    public static byte linearToUlaw(short sample) {
        return LINEAR14_TO_ULAW[(sample >> 2) + (1 << 13)];
    }

    public static short ulawToLinear(byte code) {
        return ULAW_TO_LINEAR[code & 0xFF];
    }

    public static byte linearToAlaw(short sample) {
        return LINEAR13_TO_ALAW[(sample >> 3) + (1 << 12)];
    }

    public static short alawToLinear(byte code) {
        return ALAW_TO_LINEAR[code & 0xFF];
    }

    /** Encodes {@code len} samples into {@code dst} from {@code dstOff}, one byte each. */
    public static void encodeUlaw(short[] src, int off, int len, byte[] dst, int dstOff) {
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = LINEAR14_TO_ULAW[(src[off + i] >> 2) + (1 << 13)];
        }
    }

    /** Encodes {@code len} samples into {@code dst} from {@code dstOff}, one byte each. */
    public static void encodeAlaw(short[] src, int off, int len, byte[] dst, int dstOff) {
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = LINEAR13_TO_ALAW[(src[off + i] >> 3) + (1 << 12)];
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
