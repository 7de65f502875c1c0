package io.voxcpm.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Streaming sample-rate converter for mono 16-bit PCM, built from linear-phase low-pass stages in float
 * (see {@link FilterDesign} for the filters):
 * <ul>
 *   <li>Integer decimation (48 kHz to 16 or 8 kHz) runs one {@link DecimatorStage} per prime factor,
 *       largest first. Only the last stage needs the sharp transition, and it runs at the lowest rate;
 *       an earlier stage only has to remove what would fold into the final band, so its filter is short:
 *       48 to 8 kHz is 48→16 (47 taps) then 16→8 (149 taps) instead of one 443-tap filter at 48 kHz.</li>
 *   <li>Any other ratio runs one {@link PolyphaseStage}.</li>
 * </ul>
 *
 * <p>The conversion is zero-delay: output n is the band-limited input at time n·in/out, so a stream of
 * {@code N} input samples gives exactly {@code ceil(N·out/in)} output samples once {@link #flush()}ed,
 * with no lead-in to trim. The first outputs wait for the look-ahead, {@link #tapsPerPhase()}/2 input
 * samples.
 *
 * <p>Output depends only on the input samples, not on how they were split into calls. Not thread-safe:
 * one instance per stream. Allocates the returned arrays, scratch on first use, and larger scratch when a
 * larger chunk than any before arrives.
 */
public final class Resampler {

    /** Earlier stages are ten times flatter (20 dB more), so their ripple adds nothing visible to the last's. */
    private static final double EARLY_STAGE_ATTENUATION_DB = FilterDesign.ATTENUATION_DB + 20;

    private final int inRate;
    private final int outRate;
    private final Stage[] stages; // empty for passthrough
    private final int lookahead;

    private float[] input = new float[0];
    private final float[][] outputs;
    private long samplesIn;
    private long samplesOut;

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("rates must be positive: " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        this.stages = inRate == outRate ? new Stage[0] : stagesFor(inRate, outRate);
        this.outputs = new float[stages.length][0];
        int ahead = 0;
        int rate = 1; // input samples per sample entering the stage
        for (Stage s : stages) {
            ahead += s.lookahead() * rate;
            rate *= s instanceof DecimatorStage d ? d.factor() : 1;
        }
        this.lookahead = ahead;
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
        return stages.length == 0;
    }

    /** Twice the look-ahead in input samples (0 for passthrough): the span of input one output is computed from. */
    public int tapsPerPhase() {
        return 2 * lookahead;
    }

    /** Consumes {@code len} samples and returns every output sample they complete (possibly none). */
    public short[] process(short[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        samplesIn += len;
        if (stages.length == 0) {
            samplesOut += len;
            return Arrays.copyOfRange(in, off, off + len);
        }
        if (input.length < len) {
            input = new float[len];
        }
        for (int i = 0; i < len; i++) {
            input[i] = in[off + i];
        }
        int n = run(input, len);
        short[] out = new short[n];
        toShorts(outputs[stages.length - 1], out, 0, n);
        samplesOut += n;
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
        if (stages.length > 0) {
            float[] silence = new float[lookahead + inRate / FilterDesign.gcd(inRate, outRate) + 1];
            for (int got = 0; got < out.length; ) {
                int n = Math.min(run(silence, silence.length), out.length - got);
                toShorts(outputs[stages.length - 1], out, got, n);
                got += n;
            }
            for (Stage s : stages) {
                s.reset();
            }
        }
        samplesIn = 0;
        samplesOut = 0;
        return out;
    }

    /** Pushes samples through every stage; returns how many the last one produced, in outputs[last]. */
    private int run(float[] samples, int len) {
        float[] x = samples;
        int n = len;
        for (int i = 0; i < stages.length; i++) {
            Stage s = stages[i];
            s.push(x, 0, n);
            n = s.available();
            if (outputs[i].length < n) {
                outputs[i] = new float[Math.max(n, outputs[i].length * 2)];
            }
            s.produce(outputs[i], 0, n);
            x = outputs[i];
        }
        return n;
    }

    private static void toShorts(float[] from, short[] to, int off, int n) {
        for (int i = 0; i < n; i++) {
            int v = Math.round(from[i]);
            to[off + i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
    }

    /**
     * The stages for a rate pair. For decimation by M = p1·p2·…·pk (largest prime first), stage i's
     * output rate is f_i; it keeps the final passband and must stop only what folds into the final band
     * at f_i, i.e. from f_i − finalStop up; the last stage has the final edges.
     */
    static Stage[] stagesFor(int inRate, int outRate) {
        int g = FilterDesign.gcd(inRate, outRate);
        int up = outRate / g;
        int down = inRate / g;
        if (up != 1) {
            return new Stage[] {new PolyphaseStage(FilterDesign.of(inRate, outRate))};
        }
        double finalPass = FilterDesign.PASS_EDGE * outRate / 2.0;
        double finalStop = FilterDesign.STOP_EDGE * outRate / 2.0;
        List<Integer> factors = primeFactorsLargestFirst(down);
        List<Stage> stages = new ArrayList<>();
        double rate = inRate;
        for (int i = 0; i < factors.size(); i++) {
            int factor = factors.get(i);
            double next = rate / factor;
            boolean last = i == factors.size() - 1;
            double stop = last ? finalStop : next - finalStop;
            float[] half = FilterDesign.symmetricHalf(finalPass / rate, stop / rate,
                    last ? FilterDesign.ATTENUATION_DB : EARLY_STAGE_ATTENUATION_DB);
            stages.add(new DecimatorStage(factor, half));
            rate = next;
        }
        return stages.toArray(new Stage[0]);
    }

    private static List<Integer> primeFactorsLargestFirst(int n) {
        List<Integer> factors = new ArrayList<>();
        for (int p = 2; (long) p * p <= n; p++) {
            while (n % p == 0) {
                factors.add(0, p);
                n /= p;
            }
        }
        if (n > 1) {
            factors.add(0, n);
        }
        return factors;
    }

    private static long ceilDiv(long a, long b) { // Math.ceilDiv is Java 18+
        return -Math.floorDiv(-a, b);
    }

}
