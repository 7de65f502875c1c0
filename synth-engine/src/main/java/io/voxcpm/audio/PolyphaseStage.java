package io.voxcpm.audio;

import java.util.Arrays;

/**
 * Rational conversion by L/M (44.1 to 16 kHz, 8 to 16 kHz, ...): upsample by L, low-pass, keep every
 * M-th sample, done as a polyphase FIR so only kept outputs are computed, each from one phase of K taps
 * (see {@link FilterDesign}). Zero delay: output n is the band-limited input at time n·M/L.
 */
final class PolyphaseStage implements Stage {

    private final FilterDesign design;
    private final int taps;
    private final int up;
    private final int down;

    /** Input samples; buf[pos] is the newest sample the next output needs, buf[pos - taps + 1] the oldest. */
    private float[] buf;
    private int bufLen;
    private int pos;
    private int phase;

    PolyphaseStage(FilterDesign design) {
        this.design = design;
        this.taps = design.taps();
        this.up = design.up();
        this.down = design.down();
        this.buf = new float[taps * 4];
        reset();
    }

    @Override
    public void push(float[] in, int off, int len) {
        if (bufLen + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(bufLen + len, buf.length * 2));
        }
        System.arraycopy(in, off, buf, bufLen, len);
        bufLen += len;
    }

    /** Outputs whose newest needed sample has arrived. */
    @Override
    public int available() {
        long have = (long) bufLen * up - ((long) pos * up + phase);
        return have <= 0 ? 0 : (int) ((have + down - 1) / down);
    }

    @Override
    public void produce(float[] out, int off, int count) {
        float[] b = buf;
        float[] h = design.coefficients();
        int k = taps;
        int p = pos;
        int ph = phase;
        int stepWhole = down / up;
        int stepFrac = down % up;
        for (int n = 0; n < count; n++) {
            out[off + n] = dot(h, ph * k, b, p - k + 1, k);
            p += stepWhole;
            ph += stepFrac;
            if (ph >= up) {
                ph -= up;
                p++;
            }
        }
        phase = ph;
        pos = p;
        int drop = Math.min(pos - (taps - 1), bufLen); // keep the K-1 samples before pos
        if (drop > 0) {
            System.arraycopy(buf, drop, buf, 0, bufLen - drop);
            bufLen -= drop;
            pos -= drop;
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

    @Override
    public int lookahead() {
        return taps / 2;
    }

    @Override
    public void reset() {
        // K-1 zeros stand for the silence before the stream; the first output is centred on input 0,
        // which sits K/2 taps into the window: time 0 maps to filter index K·L/2, phase 0.
        Arrays.fill(buf, 0f);
        bufLen = taps - 1;
        pos = taps - 1 + taps / 2;
        phase = 0;
    }
}
