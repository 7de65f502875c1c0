package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamLevelerTest {

    private static final int RATE = 16000;

    private static short[] tone(double seconds, double peakDbfs, double freq) {
        short[] s = new short[(int) (RATE * seconds)];
        double a = 32767 * Math.pow(10, peakDbfs / 20);
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(a * Math.sin(2 * Math.PI * freq * i / RATE));
        }
        return s;
    }

    /** Streams {@code pcm} in 100 ms chunks and returns what came out, in order. */
    private static short[] stream(StreamLeveler l, short[] pcm) {
        List<short[]> out = new ArrayList<>();
        for (int from = 0; from < pcm.length; from += RATE / 10) {
            out.addAll(l.offer(java.util.Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + RATE / 10))));
        }
        out.addAll(l.finish());
        return out.stream().reduce(new short[0], (a, b) -> {
            short[] c = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        });
    }

    @Test
    void quietAndLoudSegmentsBothReachTheTarget() {
        LevelMatching level = new LevelMatching(-20, 300);
        for (double peak : new double[] {-38, -30, -12, -3}) {
            short[] out = stream(level.leveler(RATE, Double.NaN), tone(2, peak, 440));
            assertThat(out).hasSize(2 * RATE);
            assertThat(LoudnessNormalizer.integratedLoudness(out, RATE)).as("peak %s dBFS", peak)
                    .isCloseTo(-20, within(0.5));
        }
    }

    @Test
    void theSameAudioComesOutTheSameHoweverItIsChunked() {
        // a live engine sends odd-sized chunks, the prompt cache 100 ms ones: the caller must hear the same
        short[] pcm = tone(3, -30, 440);
        short[] burst = tone(0.3, -2, 440);
        System.arraycopy(burst, 0, pcm, 2 * RATE, burst.length);
        LevelMatching level = new LevelMatching(-20, 300);
        short[] reference = stream(level.leveler(RATE, Double.NaN), pcm.clone());
        for (int size : new int[] {1, 160, 999, 4800, 17_000, pcm.length}) {
            assertThat(chunked(level.leveler(RATE, Double.NaN), pcm.clone(), size)).as("chunks of %d", size)
                    .isEqualTo(reference);
            assertThat(chunked(level.leveler(RATE, -3.5), pcm.clone(), size)).as("seeded, chunks of %d", size)
                    .isEqualTo(stream(level.leveler(RATE, -3.5), pcm.clone()));
            assertThat(chunked(remembering(-8), pcm.clone(), size)).as("remembered voice, chunks of %d", size)
                    .isEqualTo(stream(remembering(-8), pcm.clone()));
        }
    }

    private static short[] chunked(StreamLeveler l, short[] pcm, int size) {
        List<short[]> out = new ArrayList<>();
        for (int from = 0; from < pcm.length; from += size) {
            out.addAll(l.offer(java.util.Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + size))));
        }
        out.addAll(l.finish());
        return out.stream().reduce(new short[0], (a, b) -> {
            short[] c = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        });
    }

    @Test
    void nothingLeavesBeforeTheLookAheadAndASeededSegmentHoldsNothing() {
        StreamLeveler fresh = new LevelMatching(-20, 300).leveler(RATE, Double.NaN);
        assertThat(fresh.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(fresh.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(fresh.offer(tone(0.1, -30, 440))).isNotEmpty();
        StreamLeveler seeded = new LevelMatching(-20, 300).leveler(RATE, fresh.gainDb());
        assertThat(seeded.offer(tone(0.1, -30, 440))).hasSize(1);
    }

    @Test
    void neverClipsAndNeverRaisesTheGainAgainAfterAPeak() {
        // quiet speech-like level with one loud burst: the gain the quiet part wants would clip the burst
        short[] pcm = tone(3, -40, 440);
        short[] burst = tone(0.2, -1, 440);
        System.arraycopy(burst, 0, pcm, RATE, burst.length);
        short[] out = stream(new LevelMatching(-20, 300).leveler(RATE, Double.NaN), pcm);
        int peak = 0;
        for (short s : out) {
            peak = Math.max(peak, Math.abs((int) s));
        }
        assertThat(20 * Math.log10(peak / 32768.0)).isLessThanOrEqualTo(-0.9);
    }

    @Test
    void theGainMovesAtMostOneDecibelASecond() {
        // a voice that gets 6 dB louder after 1 s: the level follows slowly, with no step
        short[] pcm = tone(4, -30, 440);
        short[] louder = tone(3, -24, 440);
        System.arraycopy(louder, 0, pcm, RATE, louder.length);
        StreamLeveler l = new LevelMatching(-20, 300).leveler(RATE, Double.NaN);
        short[] out = stream(l, pcm);
        double before = rmsDb(out, (int) (0.9 * RATE), RATE / 10);
        double after = rmsDb(out, (int) (1.1 * RATE), RATE / 10);
        assertThat(after - before).as("the jump passes through: no pumping back within 100 ms")
                .isCloseTo(6, within(0.5));
        double end = rmsDb(out, (int) (3.9 * RATE), RATE / 10);
        assertThat(after - end).as("then it is slowly brought down").isBetween(0.5, 3.5);
    }

    @Test
    void silentLookAheadWaitsForSpeech() {
        short[] pcm = new short[2 * RATE];
        short[] speech = tone(1.5, -35, 440);
        System.arraycopy(speech, 0, pcm, RATE / 2, speech.length);
        short[] out = stream(new LevelMatching(-20, 300).leveler(RATE, Double.NaN), pcm);
        assertThat(LoudnessNormalizer.integratedLoudness(out, RATE)).isCloseTo(-20, within(1.0));
    }

    /** A leveler for a voice whose last segment (in an earlier request) settled at {@code gainDb}. */
    private static StreamLeveler remembering(double gainDb) {
        return new StreamLeveler(-20, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS, RATE, 300 * RATE / 1000,
                Double.NaN, gainDb);
    }

    @Test
    void aVoiceLevelledBeforeHoldsOnlyItsFirstHundredMillisecondsOfSound() {
        LevelMatching level = new LevelMatching(-20, 300);
        StreamLeveler first = level.leveler(RATE, Double.NaN, "anna");
        assertThat(first.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(first.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(first.offer(tone(1.0, -30, 440))).isNotEmpty();
        first.finish();
        level.remember("anna", first);

        StreamLeveler again = level.leveler(RATE, Double.NaN, "anna");
        assertThat(again.offer(tone(0.05, -30, 440))).as("half a sub-block").isEmpty();
        assertThat(again.offer(tone(0.05, -30, 440))).as("the first 100 ms of sound").hasSize(2);
        StreamLeveler other = level.leveler(RATE, Double.NaN, "bert");
        assertThat(other.offer(tone(0.1, -30, 440))).as("a voice never levelled holds the look-ahead").isEmpty();
    }

    @Test
    void fromTheEndOfItsLookAheadARememberedVoiceIsLevelledExactlyAsIfItHadBeenHeld() {
        short[] pcm = tone(3, -30, 440);
        short[] held = stream(new LevelMatching(-20, 300).leveler(RATE, Double.NaN), pcm.clone());
        double settled = -20 - LoudnessNormalizer.integratedLoudness(tone(3, -30, 440), RATE);
        short[] started = stream(remembering(settled - 2), pcm.clone());
        int from = 4 * RATE / 10; // 300 ms of sound, then a 100 ms glide
        assertThat(java.util.Arrays.copyOfRange(started, from, started.length))
                .isEqualTo(java.util.Arrays.copyOfRange(held, from, held.length));
        assertThat(rmsDb(started, 0, 3 * RATE / 10) - rmsDb(held, 0, 3 * RATE / 10)).as("before: the remembered gain")
                .isCloseTo(-2, within(0.05));
        for (int at = 3 * RATE / 10; at < from; at += RATE / 100) {
            assertThat(rmsDb(started, at + RATE / 100, RATE / 100) - rmsDb(started, at, RATE / 100))
                    .as("the glide, 10 ms at %d: no step", at).isBetween(0.0, 0.5);
        }
    }

    @Test
    void aVoiceFarFromItsRememberedLevelIsCaughtInItsFirstSubBlock() {
        // remembered from a quiet prompt (+16 dB), now a loud one: never more than the window too loud
        short[] loud = tone(2.5, -3, 440);
        short[] out = stream(remembering(16), loud.clone());
        double wanted = -20 - LoudnessNormalizer.integratedLoudness(loud, RATE);
        double firstGain = rmsDb(out, 0, 3 * RATE / 10) - rmsDb(loud, 0, 3 * RATE / 10);
        assertThat(firstGain).isCloseTo(wanted + StreamLeveler.PROVISIONAL_WINDOW_DB, within(0.05));
        assertThat(LoudnessNormalizer.integratedLoudness(out, RATE)).isCloseTo(-20, within(1.0));
        // the other way it only ever errs on the quiet side: a quiet onset must not blast the caller
        short[] quiet = tone(2.5, -36, 440);
        short[] up = stream(remembering(-15), quiet.clone());
        assertThat(rmsDb(up, 0, 3 * RATE / 10) - rmsDb(quiet, 0, 3 * RATE / 10)).isCloseTo(-15, within(0.05));
        assertThat(LoudnessNormalizer.integratedLoudness(up, RATE)).isCloseTo(-20, within(1.0));
    }

    @Test
    void aQuietOnsetDoesNotRaiseTheRememberedGain() {
        // 60 ms of breath before the voice: the first sub-block alone would ask for far more gain
        short[] pcm = tone(2, -20, 440);
        short[] breath = tone(0.06, -50, 440);
        java.util.Arrays.fill(pcm, 0, (int) (0.06 * RATE), (short) 0);
        System.arraycopy(breath, 0, pcm, 0, breath.length);
        double settled = -20 - LoudnessNormalizer.integratedLoudness(tone(2, -20, 440), RATE);
        short[] out = stream(remembering(settled), pcm.clone());
        assertThat(rmsDb(out, RATE / 10, RATE / 10) - rmsDb(pcm, RATE / 10, RATE / 10)).isCloseTo(settled, within(0.05));
    }

    @Test
    void onlySoundIsRememberedAndOnlySoManyVoices() {
        LevelMatching level = new LevelMatching(-20, 300);
        StreamLeveler silent = level.leveler(RATE, Double.NaN, "mute");
        silent.offer(new short[RATE]);
        silent.finish();
        level.remember("mute", silent);
        assertThat(level.leveler(RATE, Double.NaN, "mute").offer(tone(0.1, -30, 440)))
                .as("silence taught it nothing").isEmpty();

        StreamLeveler spoke = level.leveler(RATE, Double.NaN, "v0");
        spoke.offer(tone(0.5, -30, 440));
        spoke.finish();
        for (int v = 0; v <= LevelMatching.MAX_VOICES; v++) {
            level.remember("v" + v, spoke);
        }
        assertThat(level.leveler(RATE, Double.NaN, "v0").offer(tone(0.1, -30, 440)))
                .as("the least recently used voice is forgotten").isEmpty();
        assertThat(level.leveler(RATE, Double.NaN, "v1").offer(tone(0.1, -30, 440))).isNotEmpty();
    }

    private static double rmsDb(short[] x, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += (double) x[i] * x[i];
        }
        return 10 * Math.log10(sum / n);
    }
}
