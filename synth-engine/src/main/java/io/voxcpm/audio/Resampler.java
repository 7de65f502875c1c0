package io.voxcpm.audio;

import java.util.Arrays;
import java.util.Objects;

/**
 * Streaming rational sample-rate converter for mono 16-bit PCM: upsample by L, low-pass, downsample by
 * M, done as a polyphase FIR so only the outputs that are kept are computed, each from one phase of K
 * taps (see {@link FilterDesign} for the filter). Integer decimation (48 kHz to 16 or 8 kHz) has one
 * phase, and its loop skips the phase bookkeeping.
 *
 * <p>The filter is zero-delay: output n is the band-limited input at time n·in/out, so a stream of
 * {@code N} input samples gives exactly {@code ceil(N·out/in)} output samples once {@link #flush()}ed,
 * with no lead-in to trim. The first outputs wait for K/2 samples of look-ahead.
 *
 * <p>Output depends only on the input samples, not on how they were split into calls. Not thread-safe:
 * one instance per stream. Allocates only the returned arrays (plus scratch once, and a larger input
 * buffer when a larger chunk than any before arrives).
 */
public final class Resampler {

    private final int inRate;
    private final int outRate;
    private final FilterDesign design; // null for passthrough
    private final int taps;
    private final int up;
    private final int down;

    /** Outputs computed together by the decimation fast path; bounds its scratch arrays. */
    private static final int DECIMATION_BLOCK = 256;
    private float[] lanes;
    private float[] acc;

    /** Input samples; buf[pos] is the newest sample the next output needs, buf[pos - taps + 1] the oldest. */
    private float[] buf;
    private int bufLen;
    private int pos;
    private int phase;
    private long samplesIn;
    private long samplesOut;

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("rates must be positive: " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        if (inRate == outRate) {
            design = null;
            taps = 0;
            up = 1;
            down = 1;
        } else {
            design = FilterDesign.of(inRate, outRate);
            taps = design.taps();
            up = design.up();
            down = design.down();
            buf = new float[taps * 4];
            reset();
        }
    }

    /** A resampler from {@code inRate} to {@code outRate}; copies samples through when they are equal. */
    public static Resampler of(int inRate, int outRate) {
        return new Resampler(inRate, outRate);
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    public boolean isPassthrough() {
        return design == null;
    }

    /** Taps each output is computed from (0 for passthrough); the look-ahead is half of it, in input samples. */
    public int tapsPerPhase() {
        return taps;
    }

    /** Consumes {@code len} samples and returns every output sample they complete (possibly none). */
    public short[] process(short[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        samplesIn += len;
        if (design == null) {
            samplesOut += len;
            return Arrays.copyOfRange(in, off, off + len);
        }
        ensureCapacity(bufLen + len);
        float[] b = buf;
        for (int i = 0; i < len; i++) {
            b[bufLen + i] = in[off + i];
        }
        bufLen += len;
        short[] out = new short[available()];
        produce(out, out.length);
        compact();
        return out;
    }

    /** Convenience for {@code process(in, 0, in.length)}. */
    public short[] process(short[] in) {
        return process(in, 0, in.length);
    }

    /**
     * Ends the stream: returns the outputs still held back by the look-ahead, as if the input were
     * followed by silence, so the total output is {@code ceil(samplesIn·out/in)}. The resampler is
     * then reset and can start a new stream.
     */
    public short[] flush() {
        long due = ceilDiv(samplesIn * outRate, inRate);
        short[] out = new short[(int) (due - samplesOut)];
        if (design != null && out.length > 0) {
            // The last due output lies within the last input sample, so it needs at most taps/2 + 1 more.
            ensureCapacity(bufLen + taps);
            Arrays.fill(buf, bufLen, bufLen + taps, 0f);
            bufLen += taps;
            produce(out, out.length);
        }
        if (design != null) {
            reset();
        }
        samplesIn = 0;
        samplesOut = 0;
        return out;
    }

    private void reset() {
        // K-1 zeros stand for the silence before the stream; the first output is centred on input 0,
        // which sits K/2 taps into the window: time 0 maps to filter index K·L/2, phase 0.
        Arrays.fill(buf, 0f);
        bufLen = taps - 1;
        pos = taps - 1 + taps / 2;
        phase = 0;
    }

    /** Outputs computable from what is buffered: those whose newest needed sample pos has arrived. */
    private int available() {
        long have = (long) bufLen * up - ((long) pos * up + phase);
        return have <= 0 ? 0 : (int) ceilDiv(have, down);
    }

    private void produce(short[] out, int count) {
        float[] b = buf;
        float[] h = design.coefficients();
        int k = taps;
        int p = pos;
        if (up == 1) {
            for (int done = 0; done < count; done += DECIMATION_BLOCK) {
                int n = Math.min(DECIMATION_BLOCK, count - done);
                decimateBlock(p - k + 1, out, done, n);
                p += n * down;
            }
        } else {
            int ph = phase;
            int stepWhole = down / up;
            int stepFrac = down % up;
            for (int n = 0; n < count; n++) {
                out[n] = toShort(dot(h, ph * k, b, p - k + 1, k));
                p += stepWhole;
                ph += stepFrac;
                if (ph >= up) {
                    ph -= up;
                    p++;
                }
            }
            phase = ph;
        }
        pos = p;
        samplesOut += count;
    }

    /**
     * Integer decimation, the fast path: y[n] = Σ_j h[j]·x[base + n·M + j]. Writing j = q·M + r and
     * splitting the input into M lanes x_r[t] = x[base + t·M + r] turns each tap into a contiguous
     * multiply-add across the block's outputs, acc[n] += h[qM + r]·x_r[n + q], which the JIT compiles
     * to SIMD; a per-output dot product is a serial reduction it cannot vectorise. Each output still
     * sums its taps in ascending j, so results do not depend on where blocks or chunks begin.
     */
    private void decimateBlock(int base, short[] out, int outOff, int count) {
        int m = down;
        int k = taps;
        int q = (k + m - 1) / m;
        int stride = count + q - 1;
        if (lanes == null) {
            lanes = new float[m * (DECIMATION_BLOCK + q - 1)];
            acc = new float[DECIMATION_BLOCK];
        }
        float[] b = buf;
        for (int r = 0; r < m; r++) {
            int lane = r * stride;
            for (int t = 0; t < stride; t++) {
                int i = base + t * m + r;
                lanes[lane + t] = i < bufLen ? b[i] : 0f; // past the end only where the tap is 0
            }
        }
        float[] h = design.coefficients();
        float[] a = acc;
        Arrays.fill(a, 0, count, 0f);
        for (int qi = 0; qi < q; qi++) {
            for (int r = 0; r < m; r++) {
                int j = qi * m + r;
                if (j >= k) {
                    break;
                }
                float c = h[j];
                int from = r * stride + qi;
                for (int n = 0; n < count; n++) {
                    a[n] += c * lanes[from + n];
                }
            }
        }
        for (int n = 0; n < count; n++) {
            out[outOff + n] = toShort(a[n]);
        }
    }

    /** Four partial sums break the add dependency chain; fixed order keeps the result deterministic. */
    private static float dot(float[] h, int hOff, float[] x, int xOff, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += h[hOff + i] * x[xOff + i];
            s1 += h[hOff + i + 1] * x[xOff + i + 1];
            s2 += h[hOff + i + 2] * x[xOff + i + 2];
            s3 += h[hOff + i + 3] * x[xOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += h[hOff + i] * x[xOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static short toShort(float v) {
        int r = Math.round(v);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
    }

    /** Drops samples no future output needs, keeping the K-1 before pos. */
    private void compact() {
        int drop = Math.min(pos - (taps - 1), bufLen);
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, bufLen - drop);
            bufLen -= drop;
            pos -= drop;
        }
    }

    private static long ceilDiv(long a, long b) { // Math.ceilDiv is Java 18+
        return -Math.floorDiv(-a, b);
    }

    private void ensureCapacity(int n) {
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
        }
    }
}
