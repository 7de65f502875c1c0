package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ResamplerStreamingTest {

    private static final int[][] RATE_PAIRS = {
        {48000, 8000}, {48000, 16000}, {44100, 16000}, {24000, 8000}, {16000, 8000}, {22050, 8000},
        {8000, 16000}, {16000, 48000}, {44100, 8000}, {8000, 8000}, {32000, 8000}, {96000, 8000},
    };

    /** Cutting the input anywhere, even into empty or one-sample chunks, changes no output sample. */
    @Property(tries = 40)
    void chunkingDoesNotChangeTheOutput(@ForAll @IntRange(min = 0, max = 11) int pair, @ForAll long seed) {
        int inRate = RATE_PAIRS[pair][0];
        int outRate = RATE_PAIRS[pair][1];
        short[] in = Signals.speechLike(inRate, inRate / 2, seed);

        Resampler whole = Resampler.of(inRate, outRate);
        short[] expected = Signals.concat(whole.process(in, 0, in.length), whole.flush());

        Random random = new Random(seed);
        Resampler chunked = Resampler.of(inRate, outRate);
        short[] actual = new short[0];
        for (int off = 0; off < in.length; ) {
            int len = Math.min(in.length - off, random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(2000));
            actual = Signals.concat(actual, chunked.process(in, off, len));
            off += len;
        }
        actual = Signals.concat(actual, chunked.flush());

        assertThat(actual).isEqualTo(expected);
    }

    /** A stream of N samples yields ceil(N·out/in) samples: duration is kept, no lead-in or tail. */
    @Property(tries = 60)
    void outputLengthIsTheScaledInputLength(@ForAll @IntRange(min = 0, max = 11) int pair,
                                            @ForAll @IntRange(min = 0, max = 5000) int samples) {
        int inRate = RATE_PAIRS[pair][0];
        int outRate = RATE_PAIRS[pair][1];
        Resampler r = Resampler.of(inRate, outRate);
        int produced = r.process(new short[samples], 0, samples).length + r.flush().length;
        assertThat(produced).isEqualTo((int) Math.ceil((double) samples * outRate / inRate));
    }

    /** flush() ends the stream as if silence followed: the same samples as feeding real zeros. */
    @Property(tries = 30)
    void flushIsTheInputFollowedBySilence(@ForAll @IntRange(min = 0, max = 11) int pair,
                                          @ForAll @IntRange(min = 1, max = 3000) int samples) {
        int inRate = RATE_PAIRS[pair][0];
        int outRate = RATE_PAIRS[pair][1];
        short[] in = Signals.speechLike(inRate, samples, samples);
        Resampler r = Resampler.of(inRate, outRate);
        short[] flushed = Signals.concat(r.process(in, 0, in.length), r.flush());

        short[] padded = java.util.Arrays.copyOf(in, in.length + r.tapsPerPhase() + inRate);
        short[] fed = r.process(padded, 0, padded.length);
        assertThat(flushed).isEqualTo(java.util.Arrays.copyOf(fed, flushed.length));
    }

    /** Streams interleaved on one thread (as a server runs them) share scratch space, never state. */
    @Example
    void interleavedStreamsOnOneThreadDoNotAffectEachOther() {
        short[] a = Signals.speechLike(48000, 48000, 1);
        short[] b = Signals.speechLike(48000, 48000, 2);
        Resampler ra = Resampler.of(48000, 8000);
        Resampler rb = Resampler.of(48000, 8000);
        short[] outA = new short[0];
        short[] outB = new short[0];
        for (int off = 0; off < a.length; off += 960) {
            outA = Signals.concat(outA, ra.process(a, off, 960));
            outB = Signals.concat(outB, rb.process(b, off, 960));
        }
        assertThat(Signals.concat(outA, ra.flush())).isEqualTo(Signals.resample(a, 48000, 8000));
        assertThat(Signals.concat(outB, rb.flush())).isEqualTo(Signals.resample(b, 48000, 8000));
    }

    @Example
    void flushResetsForTheNextStream() {
        short[] in = Signals.speechLike(48000, 4800, 3);
        Resampler r = Resampler.of(48000, 8000);
        short[] first = Signals.concat(r.process(in, 0, in.length), r.flush());
        short[] second = Signals.concat(r.process(in, 0, in.length), r.flush());
        assertThat(second).isEqualTo(first);
    }

    @Example
    void fullScaleInputClampsInsteadOfWrapping() {
        // A full-scale square wave overshoots (Gibbs); without clamping it would wrap to the other rail.
        short[] in = new short[48000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i / 60) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
        }
        Resampler r = Resampler.of(48000, 8000);
        short[] out = Signals.concat(r.process(in, 0, in.length), r.flush());
        int railHits = 0;
        for (int i = 1; i < out.length; i++) {
            assertThat(Math.abs(out[i] - out[i - 1])).as("jump at %d", i).isLessThan(40000);
            if (out[i] == Short.MAX_VALUE || out[i] == Short.MIN_VALUE) {
                railHits++;
            }
        }
        assertThat(railHits).isPositive();
    }

    @Example
    void equalRatesPassSamplesThrough() {
        short[] in = Signals.speechLike(8000, 800, 5);
        Resampler r = Resampler.of(8000, 8000);
        assertThat(r.isPassthrough()).isTrue();
        assertThat(r.process(in, 10, 100)).isEqualTo(java.util.Arrays.copyOfRange(in, 10, 110));
        assertThat(r.flush()).isEmpty();
    }

    @Example
    void integerDecimationRunsOneFoldedStagePerPrimeFactorLargestFirst() {
        assertThat(Resampler.stagesFor(48000, 8000)).extracting(s -> ((DecimatorStage) s).factor()).containsExactly(3, 2);
        assertThat(Resampler.stagesFor(48000, 16000)).extracting(s -> ((DecimatorStage) s).factor()).containsExactly(3);
        assertThat(Resampler.stagesFor(32000, 8000)).extracting(s -> ((DecimatorStage) s).factor()).containsExactly(2, 2);
        assertThat(Resampler.stagesFor(44100, 16000)).singleElement().isInstanceOf(PolyphaseStage.class);
        // The first stage of 48 -> 8 kHz only guards the band that folds into 0-4.2 kHz: a short filter.
        Stage[] stages = Resampler.stagesFor(48000, 8000);
        assertThat(((DecimatorStage) stages[0]).taps()).isLessThan(60);
        assertThat(Resampler.of(48000, 8000).tapsPerPhase()).isEqualTo(2 * (stages[0].lookahead() + 3 * stages[1].lookahead()));
    }

    @Example
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new Resampler(0, 8000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Resampler(48000, 8000).process(new short[10], 5, 6))
                .isInstanceOf(IndexOutOfBoundsException.class);
        // 48 001 Hz -> 8 kHz would need 8 000 phases of hundreds of taps.
        assertThatThrownBy(() -> new Resampler(48001, 8000)).isInstanceOf(IllegalArgumentException.class);
    }
}
