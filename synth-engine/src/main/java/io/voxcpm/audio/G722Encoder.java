package io.voxcpm.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * ITU-T G.722 encoder at 64 kbit/s (mode 1): 16 kHz 16-bit PCM in, one octet per two samples out.
 * A quadrature mirror filter splits the signal into a 0-4 kHz and a 4-8 kHz band at 8 kHz each; the
 * low band is coded with 6-bit and the high band with 2-bit adaptive differential PCM, and each octet
 * carries the high band's 2 bits above the low band's 6.
 *
 * <p>Written from the recommendation's block descriptions (QMF, QUANTL/QUANTH, INVQAL, LOGSCL/LOGSCH,
 * SCALEL/SCALEH and the shared pole-zero predictor "block 4"), in its 16-bit fixed-point arithmetic,
 * so its output is bit-exact with other conforming encoders; the tests check it against ffmpeg's.
 *
 * <p>Streaming: state carries across calls, so the code stream does not depend on how the input is
 * split into (even-length) calls. One instance per stream; not thread-safe.
 */
public final class G722Encoder {

    /** Transmit QMF, 24 taps, symmetric: h0..h11 then h11..h0. */
    private static final int[] QMF = {3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
        3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3};

    /** QUANTL decision levels (× detl / 4096) for the 6-bit low-band quantiser. */
    private static final int[] Q6 = {0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650,
        714, 786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919};
    /** Low-band codes for negative and positive differences, by quantiser interval. */
    private static final int[] ILN = {0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4};
    private static final int[] ILP = {0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
        43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32};
    /** 4-bit inverse quantiser: what the predictor sees of the low band (its 4 most significant bits). */
    private static final int[] QM4 = {0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968,
        6288, 4240, 2584, 1200, 0};
    private static final int[] RL42 = {0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0};
    private static final int[] WL = {-60, -30, 58, 172, 334, 538, 1198, 3042};
    /** 2-bit high band: codes, inverse quantiser and scale-factor weights. */
    private static final int[] IHN = {0, 1, 0};
    private static final int[] IHP = {0, 3, 2};
    private static final int[] QM2 = {-7408, -1616, 7408, 1616};
    private static final int[] RH2 = {2, 1, 2, 1};
    private static final int[] WH = {0, -214, 798};
    /** Antilog table of the scale factors: 2048·2^(i/32). */
    private static final int[] ILB = {2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599,
        2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756,
        3838, 3922, 4008};

    /** The last 24 input samples, newest at index 0. */
    private final int[] delay = new int[24];
    private final Band low = new Band(32);
    private final Band high = new Band(8);

    /**
     * Encodes {@code len} samples (an even number) into {@code out} from {@code outOff}: {@code len / 2}
     * octets.
     */
    public void encode(short[] pcm, int off, int len, byte[] out, int outOff) {
        if ((len & 1) != 0) {
            throw new IllegalArgumentException("G.722 codes samples in pairs; got " + len);
        }
        Objects.checkFromIndexSize(off, len, pcm.length);
        Objects.checkFromIndexSize(outOff, len / 2, out.length);
        for (int i = 0; i < len; i += 2) {
            out[outOff + i / 2] = encodePair(pcm[off + i], pcm[off + i + 1]);
        }
    }

    /** Back to the initial state, for a new stream. */
    public void reset() {
        Arrays.fill(delay, 0);
        low.reset(32);
        high.reset(8);
    }

    private byte encodePair(int first, int second) {
        System.arraycopy(delay, 0, delay, 2, 22);
        delay[1] = first;
        delay[0] = second;
        // Transmit QMF: XA sums the even taps over x(j), x(j-2), ..., XB the odd taps over x(j-1), ...
        int xa = 0;
        int xb = 0;
        for (int k = 0; k < 24; k += 2) {
            xa += QMF[k] * delay[k];
            xb += QMF[k + 1] * delay[k + 1];
        }
        int xl = (xa + xb) >> 14;
        int xh = (xa - xb) >> 14;
        int il = encodeLow(xl);
        int ih = encodeHigh(xh);
        return (byte) (ih << 6 | il);
    }

    private int encodeLow(int xl) {
        Band b = low;
        int el = sat(xl - b.s);
        int wd = el >= 0 ? el : -(el + 1);
        int mil = 1;
        while (mil < 30 && wd >= (Q6[mil] * b.det) >> 12) {
            mil++;
        }
        int il = el < 0 ? ILN[mil] : ILP[mil];
        int ril = il >> 2;
        int dl = (b.det * QM4[ril]) >> 15;
        // LOGSCL / SCALEL
        int nb = ((b.nb * 32512) >> 15) + WL[RL42[ril]];
        b.nb = Math.max(0, Math.min(18432, nb));
        b.det = scale(b.nb, 8);
        b.adapt(dl);
        return il;
    }

    private int encodeHigh(int xh) {
        Band b = high;
        int eh = sat(xh - b.s);
        int wd = eh >= 0 ? eh : -(eh + 1);
        int mih = wd >= (564 * b.det) >> 12 ? 2 : 1;
        int ih = eh < 0 ? IHN[mih] : IHP[mih];
        int dh = (b.det * QM2[ih]) >> 15;
        // LOGSCH / SCALEH
        int nb = ((b.nb * 32512) >> 15) + WH[RH2[ih]];
        b.nb = Math.max(0, Math.min(22528, nb));
        b.det = scale(b.nb, 10);
        b.adapt(dh);
        return ih;
    }

    /** SCALEL/SCALEH: the quantiser step from its log, 2^(nb/2048) in the band's fixed point. */
    private static int scale(int nb, int bias) {
        int wd1 = (nb >> 6) & 31;
        int wd2 = bias - (nb >> 11);
        int wd3 = wd2 < 0 ? ILB[wd1] << -wd2 : ILB[wd1] >> wd2;
        return wd3 << 2;
    }

    private static int sat(int v) {
        return Math.max(-32768, Math.min(32767, v));
    }

    /**
     * One band's adaptive predictor (two poles, six zeros, sign-sign adaptation) and scale factor:
     * the recommendation's block 4, shared by both bands.
     */
    private static final class Band {
        int s;      // signal estimate
        int sz;     // its zero-section part
        int det;    // quantiser scale
        int nb;     // its log
        int a1;
        int a2;
        final int[] b = new int[6];
        final int[] d = new int[6];   // past quantised differences, newest first
        int p1;     // past partial reconstructions
        int p2;
        int r1;     // past reconstructed signals
        int r2;

        Band(int det) {
            reset(det);
        }

        void reset(int initialDet) {
            s = 0;
            sz = 0;
            det = initialDet;
            nb = 0;
            a1 = 0;
            a2 = 0;
            Arrays.fill(b, 0);
            Arrays.fill(d, 0);
            p1 = 0;
            p2 = 0;
            r1 = 0;
            r2 = 0;
        }

        void adapt(int dq) {
            int r = sat(s + dq);   // RECONS
            int p = sat(sz + dq);  // PARREC
            boolean neg = p < 0;
            boolean same1 = neg == p1 < 0;
            boolean same2 = neg == p2 < 0;
            // UPPOL2
            int wd1 = sat(sat(a1 + a1) * 2);
            int wd2 = same1 ? -wd1 : wd1;
            wd2 = Math.min(wd2, 32767);
            int wd3 = (same2 ? 128 : -128) + (wd2 >> 7) + ((a2 * 32512) >> 15);
            int ap2 = Math.max(-12288, Math.min(12288, wd3));
            // UPPOL1
            int ap1 = sat((same1 ? 192 : -192) + ((a1 * 32640) >> 15));
            int lim = sat(15360 - ap2);
            ap1 = Math.max(-lim, Math.min(lim, ap1));
            // UPZERO, then DELAYA
            int step = dq == 0 ? 0 : 128;
            boolean dneg = dq < 0;
            for (int i = 5; i >= 0; i--) {
                int g = (d[i] < 0) == dneg ? step : -step;
                b[i] = sat(g + ((b[i] * 32640) >> 15));
            }
            System.arraycopy(d, 0, d, 1, 5);
            d[0] = dq;
            p2 = p1;
            p1 = p;
            r2 = r1;
            r1 = r;
            a1 = ap1;
            a2 = ap2;
            // FILTEP, FILTEZ, PREDIC
            int sp = sat(((a1 * sat(r1 + r1)) >> 15) + ((a2 * sat(r2 + r2)) >> 15));
            int z = 0;
            for (int i = 5; i >= 0; i--) {
                z += (b[i] * sat(d[i] + d[i])) >> 15;
            }
            sz = sat(z);
            s = sat(sp + sz);
        }
    }
}
