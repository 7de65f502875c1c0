package io.voxcpm.audio;

import java.util.Random;

/** Test signals and their measurement. */
final class Signals {

    /** -6 dBFS. */
    static final double TONE_AMPLITUDE = 16384;

    private Signals() {
    }

    /**
     * A tone with ±1 LSB TPDF dither. Without dither a rejected tone's residue (under half an LSB at
     * -90 dB) rounds to exact zeros, which reads as -infinity; dither turns the rounding into noise
     * spread over all bins (about -125 dB in one 1 Hz bin), so the residue can be measured.
     */
    static short[] tone(double freq, int rate, int samples) {
        Random random = new Random(Double.doubleToLongBits(freq) ^ rate);
        short[] s = new short[samples];
        for (int n = 0; n < samples; n++) {
            double dither = random.nextDouble() - random.nextDouble();
            s[n] = (short) Math.round(TONE_AMPLITUDE * Math.sin(2 * Math.PI * freq * n / rate) + dither);
        }
        return s;
    }

    /**
     * Voiced-speech stand-in: a harmonic series on an F0 gliding 100 → 180 Hz, shaped by three formants
     * and a -6 dB/octave tilt, with harmonics up to 20 kHz (so a resampler has real content to reject),
     * plus white noise 40 dB down for the unvoiced part.
     */
    static short[] speechLike(int rate, int samples, long seed) {
        Random random = new Random(seed);
        double[] x = new double[samples];
        double phase = 0;
        double peak = 0;
        for (int n = 0; n < samples; n++) {
            double f0 = 100 + 80 * (0.5 - 0.5 * Math.cos(2 * Math.PI * n / samples));
            phase += 2 * Math.PI * f0 / rate;
            double v = 0;
            for (int k = 1; k * f0 < Math.min(20000, rate / 2.0); k++) {
                double f = k * f0;
                v += formants(f) / Math.sqrt(k) * Math.sin(k * phase);
            }
            x[n] = v;
            peak = Math.max(peak, Math.abs(v));
        }
        short[] s = new short[samples];
        for (int n = 0; n < samples; n++) {
            s[n] = (short) Math.round(20000 * x[n] / peak + 200 * random.nextGaussian());
        }
        return s;
    }

    private static double formants(double f) {
        return 0.05 + peak(f, 500, 80) + 0.6 * peak(f, 1500, 120) + 0.4 * peak(f, 2500, 160);
    }

    private static double peak(double f, double centre, double width) {
        double d = (f - centre) / width;
        return 1 / (1 + d * d);
    }

    /** Amplitude of the {@code freq} component of {@code x[from, from+n)} (single-bin DFT). */
    static double amplitude(short[] x, int from, int n, double freq, int rate) {
        double re = 0;
        double im = 0;
        double w = 2 * Math.PI * freq / rate;
        for (int k = 0; k < n; k++) {
            re += x[from + k] * Math.cos(w * (from + k));
            im -= x[from + k] * Math.sin(w * (from + k));
        }
        return 2 * Math.hypot(re, im) / n;
    }

    /** Phase of the {@code freq} component, as the phase of sin(w·n) would be 0 at sample 0. */
    static double phase(short[] x, int from, int n, double freq, int rate) {
        double re = 0;
        double im = 0;
        double w = 2 * Math.PI * freq / rate;
        for (int k = 0; k < n; k++) {
            re += x[from + k] * Math.cos(w * (from + k));
            im -= x[from + k] * Math.sin(w * (from + k));
        }
        // sin(w n) = cos(w n - pi/2): its DFT phase is -pi/2.
        return Math.atan2(im, re) + Math.PI / 2;
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    static short[] concat(short[] a, short[] b) {
        short[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Resamples in 20 ms chunks and flushes, the way the server streams. */
    static short[] resample(short[] in, int inRate, int outRate) {
        Resampler r = Resampler.of(inRate, outRate);
        int chunk = inRate / 50;
        short[] out = new short[0];
        for (int off = 0; off < in.length; off += chunk) {
            out = concat(out, r.process(in, off, Math.min(chunk, in.length - off)));
        }
        return concat(out, r.flush());
    }
}
