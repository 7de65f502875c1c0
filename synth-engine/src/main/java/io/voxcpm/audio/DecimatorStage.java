package io.voxcpm.audio;

import java.util.Arrays;

/**
 * Keeps every M-th sample of a linear-phase low-pass: y[n] = h0·x[nM] + Σ_{i=1..R} h_i·(x[nM−i] + x[nM+i]).
 * The filter is symmetric, so each coefficient multiplies the sum of its two mirrored samples: half the
 * multiplies of a plain FIR. Zero delay: output n sits exactly on input nM.
 *
 * <p>Why the block kernel looks the way it does: HotSpot's C2 (17 and 21) vectorises a loop only when
 * every array in it is indexed by the same expression; a FIR loop that reads {@code x[n + offset]} while
 * writing {@code acc[n]} stays scalar, one multiply-add per cycle at best. So a block of outputs is
 * computed tap by tap: the input is split into M lanes (lane r holds x[base + tM + r], so the samples
 * one tap needs for consecutive outputs are consecutive), the two mirrored runs a tap pair needs are
 * copied to scratch arrays ({@code System.arraycopy} is a vectorised memmove), and
 * {@code acc[k] += h·(a[k] + b[k])} then runs 8 or 16 outputs per instruction. Each output still sums
 * its terms in the same order wherever a block starts, so results never depend on chunking.
 */
final class DecimatorStage implements Stage {

    /** Outputs computed per block; 20 ms of 16 kHz output, what one 48 kHz frame yields. */
    private static final int BLOCK = 320;

    private final int m;
    private final int r;
    private final float[] half;
    /** Lane offsets (into the lanes scratch) of the run tap +i and tap −i read for a block's first output. */
    private final int[] plus;
    private final int[] minus;
    private final int stride;

    private float[] buf;
    private int bufLen;
    /** buf[pos] is the input sample the next output is centred on. */
    private int pos;

    /**
     * Block scratch, per thread rather than per stream: nothing in it outlives one {@link #produce}
     * call, and a server holds thousands of streams but runs them on a few threads.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] lanes = new float[0];
        final float[] runA = new float[BLOCK];
        final float[] runB = new float[BLOCK];
        final float[] acc = new float[BLOCK];
    }

    /** @param half the centre tap then the taps at distance 1..R, as {@link FilterDesign#symmetricHalf} gives */
    DecimatorStage(int factor, float[] half) {
        if (factor < 2 || half.length < 2) {
            throw new IllegalArgumentException("decimation by " + factor + " with " + half.length + " taps");
        }
        this.m = factor;
        this.half = half;
        this.r = half.length - 1;
        this.stride = BLOCK + 2 * r / factor + 1;
        this.plus = new int[r + 1];
        this.minus = new int[r + 1];
        for (int i = 0; i <= r; i++) {
            plus[i] = laneOffset(r + i);
            minus[i] = laneOffset(r - i);
        }
        this.buf = new float[4 * r + BLOCK * factor];
        reset();
    }

    int factor() {
        return m;
    }

    /** Taps, 2R+1. */
    int taps() {
        return 2 * r + 1;
    }

    /** Where sample base + j sits in the lanes: lane j mod M, index j div M. */
    private int laneOffset(int j) {
        return (j % m) * stride + j / m;
    }

    @Override
    public void push(float[] in, int off, int len) {
        if (bufLen + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(bufLen + len, buf.length * 2));
        }
        System.arraycopy(in, off, buf, bufLen, len);
        bufLen += len;
    }

    @Override
    public int available() {
        int newest = pos + r; // the newest sample the next output needs
        return newest < bufLen ? (bufLen - 1 - newest) / m + 1 : 0;
    }

    @Override
    public void produce(float[] out, int off, int count) {
        Scratch s = SCRATCH.get();
        if (s.lanes.length < m * stride) {
            s.lanes = new float[m * stride];
        }
        for (int done = 0; done < count; done += BLOCK) {
            int n = Math.min(BLOCK, count - done);
            block(s, pos - r, n);
            System.arraycopy(s.acc, 0, out, off + done, n);
            pos += n * m;
        }
        int drop = pos - r; // nothing before the oldest sample of the next output's window is needed again
        System.arraycopy(buf, drop, buf, 0, bufLen - drop);
        bufLen -= drop;
        pos -= drop;
    }

    /** Outputs centred on base + r + k·M, k = 0..n-1, into s.acc[0..n). */
    private void block(Scratch s, int base, int n) {
        float[] b = buf;
        float[] l = s.lanes;
        int span = 2 * r;
        for (int lane = 0; lane < m && lane <= span; lane++) {
            int len = n + (span - lane) / m; // up to the last sample the block's last output reads
            int to = lane * stride;
            for (int t = 0, from = base + lane; t < len; t++, from += m) {
                l[to + t] = b[from];
            }
        }
        float[] a = s.acc;
        float[] x = s.runA;
        float[] y = s.runB;
        System.arraycopy(l, plus[0], x, 0, n);
        float h0 = half[0];
        for (int k = 0; k < n; k++) {
            a[k] = h0 * x[k];
        }
        for (int i = 1; i <= r; i++) {
            System.arraycopy(l, plus[i], x, 0, n);
            System.arraycopy(l, minus[i], y, 0, n);
            float h = half[i];
            for (int k = 0; k < n; k++) {
                a[k] += h * (x[k] + y[k]);
            }
        }
    }

    @Override
    public int lookahead() {
        return r;
    }

    @Override
    public void reset() {
        // R zeros stand for the silence before the stream; the first output is centred on input 0.
        Arrays.fill(buf, 0, r, 0f);
        bufLen = r;
        pos = r;
    }
}
