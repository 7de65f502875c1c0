package io.voxcpm.audio;

import static io.voxcpm.audio.Signals.TONE_AMPLITUDE;
import static io.voxcpm.audio.Signals.amplitude;
import static io.voxcpm.audio.Signals.db;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Measures the resampler with -6 dBFS tones (2 s, streamed in 20 ms chunks; analysed over the middle
 * second, where every integer frequency is an exact DFT bin) and prints sox's {@code rate} figures on
 * the same input next to ours. Only our figures are asserted.
 */
class ResamplerQualityTest {

    private static final int SECONDS = 2;

    /** Passband gain must stay within ±0.5 dB. */
    @ParameterizedTest(name = "{0} -> {1} Hz: {2} Hz in band")
    @CsvSource({
        "48000, 8000, 300", "48000, 8000, 1000", "48000, 8000, 3400",
        "48000, 16000, 300", "48000, 16000, 1000", "48000, 16000, 3400", "48000, 16000, 7000",
        "44100, 16000, 7000", "24000, 8000, 3400", "16000, 8000, 3400", "22050, 8000, 3400",
        "44100, 8000, 3400", "8000, 16000, 3400", "16000, 48000, 7000"})
    void passbandIsFlat(int inRate, int outRate, int freq) throws IOException {
        short[] in = Signals.tone(freq, inRate, inRate * SECONDS);
        double ours = db(measure(Signals.resample(in, inRate, outRate), outRate, freq) / TONE_AMPLITUDE);
        System.out.printf("passband %5d -> %5d Hz at %4d Hz: ours %+.4f dB, sox %s%n",
                inRate, outRate, freq, ours, soxFigure(in, inRate, outRate, freq));
        assertThat(ours).isBetween(-0.5, 0.5);
    }

    /** A tone the output cannot carry must vanish: what folds back is ≤ -90 dB. */
    @ParameterizedTest(name = "{0} -> {1} Hz: {2} Hz rejected")
    @CsvSource({
        "48000, 8000, 4400", "48000, 8000, 5000", "48000, 8000, 6000", "48000, 8000, 10000", "48000, 8000, 20000",
        "48000, 16000, 8500", "48000, 16000, 10000", "48000, 16000, 20000",
        "44100, 16000, 9000", "44100, 16000, 20000", "24000, 8000, 4400", "24000, 8000, 11000",
        "16000, 8000, 4400", "16000, 8000, 7000", "22050, 8000, 4400", "22050, 8000, 10000",
        "44100, 8000, 4400"})
    void aliasesAreRejected(int inRate, int outRate, int freq) throws IOException {
        int alias = foldedFrequency(freq, outRate);
        short[] in = Signals.tone(freq, inRate, inRate * SECONDS);
        double ours = db(measure(Signals.resample(in, inRate, outRate), outRate, alias) / TONE_AMPLITUDE);
        System.out.printf("alias    %5d -> %5d Hz of %5d Hz (at %4d Hz): ours %.1f dB, sox %s%n",
                inRate, outRate, freq, alias, ours, soxFigure(in, inRate, outRate, alias));
        assertThat(ours).isLessThanOrEqualTo(-90);
    }

    /**
     * The whole stopband, not a few spot frequencies: tones from just above the stop edge (1.05 × the
     * output Nyquist) to the input Nyquist, 97 Hz apart, each fold back at least 100 dB down. The
     * cascade's weak points are the last stage's stop edge and, for 48 → 8 kHz, the first stage's
     * (11.8 kHz), which the sweep crosses.
     */
    @ParameterizedTest(name = "{0} -> {1} Hz: whole stopband")
    @CsvSource({"48000, 8000", "48000, 16000"})
    void aliasRejectionIsAtLeast100DbAcrossTheStopband(int inRate, int outRate) {
        double worst = Double.NEGATIVE_INFINITY;
        int worstFreq = 0;
        for (int freq = (int) Math.ceil(FilterDesign.STOP_EDGE * outRate / 2) + 10; freq < inRate / 2 - 50; freq += 97) {
            int alias = foldedFrequency(freq, outRate);
            short[] out = Signals.resample(Signals.tone(freq, inRate, inRate * SECONDS), inRate, outRate);
            double level = db(measure(out, outRate, alias) / TONE_AMPLITUDE);
            if (level > worst) {
                worst = level;
                worstFreq = freq;
            }
        }
        System.out.printf("alias    %5d -> %5d Hz, worst over the stopband: %.1f dB (tone at %d Hz)%n",
                inRate, outRate, worst, worstFreq);
        assertThat(worst).isLessThanOrEqualTo(-100);
    }

    /** Upsampling leaves images of the input band above the old Nyquist; they must be ≤ -90 dB too. */
    @ParameterizedTest(name = "{0} -> {1} Hz: image of {2} Hz rejected")
    @CsvSource({"8000, 16000, 1000", "8000, 16000, 3400", "16000, 48000, 3000", "8000, 44100, 1000"})
    void imagesAreRejected(int inRate, int outRate, int freq) throws IOException {
        int image = inRate - freq;
        short[] in = Signals.tone(freq, inRate, inRate * SECONDS);
        double ours = db(measure(Signals.resample(in, inRate, outRate), outRate, image) / TONE_AMPLITUDE);
        System.out.printf("image    %5d -> %5d Hz of %4d Hz (at %5d Hz): ours %.1f dB, sox %s%n",
                inRate, outRate, freq, image, ours, soxFigure(in, inRate, outRate, image));
        assertThat(ours).isLessThanOrEqualTo(-90);
    }

    private static int foldedFrequency(int freq, int rate) {
        int f = freq % rate;
        return f > rate / 2 ? rate - f : f;
    }

    private static double measure(short[] out, int rate, int freq) {
        return amplitude(out, rate / 2, rate, freq, rate);
    }

    private static String soxFigure(short[] in, int inRate, int outRate, int freq) throws IOException {
        if (!Sox.available()) {
            return "n/a (not installed)";
        }
        return String.format("%+.4f dB", db(measure(Sox.rate(in, inRate, outRate), outRate, freq) / TONE_AMPLITUDE));
    }
}
