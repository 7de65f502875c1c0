package io.voxcpm.audio;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kaiser-windowed sinc low-passes of a {@link Resampler}. Immutable and shared by every stream with
 * the same rates, since a server opens many.
 *
 * <p>All band edges are fractions of the lower Nyquist frequency (out/2 when decimating):
 * <ul>
 *   <li>{@link #PASS_EDGE} 0.875: flat up to 3.5 kHz at 8 kHz out (telephony band is 300-3400 Hz) and
 *       7 kHz at 16 kHz out (wideband speech).</li>
 *   <li>{@link #STOP_EDGE} 1.05: full rejection from 4.2 kHz (8 kHz out) and 8.4 kHz (16 kHz out).
 *       Tones between Nyquist and this edge fold back above 3.8 / 7.6 kHz, outside the band that
 *       matters, which buys a transition band twice as wide as stopping at Nyquist, so half the
 *       taps.</li>
 *   <li>{@link #ATTENUATION_DB} 100: the alias target, below the 16-bit noise floor (about 98 dB).
 *       Kaiser's rule gives β = 0.1102·(A − 8.7) ≈ 10.1 and a passband ripple of the same 10^(−A/20),
 *       ±0.0001 dB.</li>
 * </ul>
 * The cutoff is midway between the edges; Kaiser's length rule, N = (A − 7.95) / (2.285·Δω) + 1,
 * sets the taps from the transition width.
 *
 * <p>Two shapes: {@link #of} splits one filter into L polyphase rows for rational ratios, and
 * {@link #symmetricHalf} gives an odd-length filter by its centre and one side, for integer decimation
 * stages that fold the mirrored taps.
 */
final class FilterDesign {

    static final double PASS_EDGE = 0.875;
    static final double STOP_EDGE = 1.05;
    static final double ATTENUATION_DB = 100;
    static final double BETA = beta(ATTENUATION_DB);

    /** Largest coefficient table built (4 MiB of floats); odd rate pairs with huge L are refused. */
    private static final int MAX_COEFFICIENTS = 1 << 20;

    private static final ConcurrentHashMap<Long, FilterDesign> CACHE = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<List<Double>, float[]> HALVES = new ConcurrentHashMap<>();

    private final int up;
    private final int down;
    private final int taps;
    private final float[] coefficients;

    private FilterDesign(int up, int down) {
        this.up = up;
        this.down = down;
        double nyquist = Math.min(1.0, (double) up / down) / 2; // lower Nyquist, in cycles per input sample
        // Work at the upsampled rate in·L: frequencies in cycles per upsampled sample.
        double cutoff = nyquist * (PASS_EDGE + STOP_EDGE) / 2 / up;
        double transition = 2 * Math.PI * nyquist * (STOP_EDGE - PASS_EDGE) / up;
        int length = (int) Math.ceil((ATTENUATION_DB - 7.95) / (2.285 * transition)) + 1;
        int k = (length + up - 1) / up;
        k += k & 1; // even, so the centre K·L/2 is a whole input sample and the filter is zero-delay
        if ((long) k * up > MAX_COEFFICIENTS) {
            throw new IllegalArgumentException("rate ratio " + up + "/" + down + " needs " + (long) k * up
                    + " filter coefficients; resample in two steps");
        }
        this.taps = k;
        this.coefficients = polyphase(prototype(k * up, cutoff, up), up, k);
    }

    static FilterDesign of(int inRate, int outRate) {
        int g = gcd(inRate, outRate);
        int up = outRate / g;
        int down = inRate / g;
        return CACHE.computeIfAbsent(((long) up << 32) | down, key -> new FilterDesign(up, down));
    }

    int up() {
        return up;
    }

    int down() {
        return down;
    }

    /** Taps per phase, K. */
    int taps() {
        return taps;
    }

    /** Row p (K floats from p·K) holds phase p, reversed so it runs forward over oldest..newest input. */
    float[] coefficients() {
        return coefficients;
    }

    /**
     * h[j] = gain · 2fc · sinc(2fc·(j − N/2)) · kaiser(j − N/2), j = 0..N-1, centred on N/2 so the
     * delay is a whole number of input samples. The gain L restores the level lost by zero-stuffing.
     * Index 0 sits on the window's edge and has no mirror partner; its weight, sinc · 1/I0(β), is below
     * -120 dB.
     */
    private static double[] prototype(int n, double cutoff, int gain) {
        double[] h = new double[n];
        double half = n / 2.0;
        double i0Beta = besselI0(BETA);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double t = j - half;
            double r = t / half;
            double window = besselI0(BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            double x = 2 * cutoff * t;
            double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
            h[j] = 2 * cutoff * sinc * window;
            sum += h[j];
        }
        // Exact unity gain at DC, summed over the L phases.
        for (int j = 0; j < n; j++) {
            h[j] *= gain / sum;
        }
        return h;
    }

    /**
     * An odd-length linear-phase low-pass, 2R+1 taps, with unity gain at DC: element 0 is the centre
     * tap, element i the two taps at distance i. Edges are in cycles per input sample; the caller must
     * not change the returned array (it is shared).
     */
    static float[] symmetricHalf(double pass, double stop, double attenuationDb) {
        if (!(pass > 0 && stop > pass && stop <= 0.5)) {
            throw new IllegalArgumentException("band edges " + pass + ", " + stop + " (cycles per sample)");
        }
        return HALVES.computeIfAbsent(List.of(pass, stop, attenuationDb), key -> {
            double transition = 2 * Math.PI * (stop - pass);
            int length = (int) Math.ceil((attenuationDb - 7.95) / (2.285 * transition)) + 1;
            int r = length / 2; // length 2R+1, rounded up to odd
            if (r > MAX_COEFFICIENTS) {
                throw new IllegalArgumentException("transition " + (stop - pass) + " needs " + length + " taps");
            }
            double cutoff = (pass + stop) / 2;
            double beta = beta(attenuationDb);
            double i0Beta = besselI0(beta);
            double[] h = new double[r + 1];
            double sum = 0;
            for (int i = 0; i <= r; i++) {
                double ratio = (double) i / r;
                double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / i0Beta;
                double x = 2 * cutoff * i;
                double sinc = i == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                h[i] = 2 * cutoff * sinc * window;
                sum += i == 0 ? h[i] : 2 * h[i];
            }
            float[] half = new float[r + 1];
            for (int i = 0; i <= r; i++) {
                half[i] = (float) (h[i] / sum);
            }
            return half;
        });
    }

    /** Kaiser's β for a stopband of {@code attenuationDb} (above 50 dB). */
    static double beta(double attenuationDb) {
        return 0.1102 * (attenuationDb - 8.7);
    }

    private static float[] polyphase(double[] h, int up, int k) {
        float[] rows = new float[up * k];
        for (int p = 0; p < up; p++) {
            for (int j = 0; j < k; j++) {
                rows[p * k + j] = (float) h[p + (k - 1 - j) * up];
            }
        }
        return rows;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int m = 1; term > 1e-17 * sum; m++) {
            term *= q / ((double) m * m);
            sum += term;
        }
        return sum;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
