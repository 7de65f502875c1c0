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
    void nothingLeavesBeforeTheLookAheadAndASeededSegmentHoldsNothing() {
        StreamLeveler fresh = new LevelMatching(-20, 300).leveler(RATE, Double.NaN);
        assertThat(fresh.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(fresh.offer(tone(0.1, -30, 440))).isEmpty();
        assertThat(fresh.offer(tone(0.1, -30, 440))).hasSize(3);
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

    private static double rmsDb(short[] x, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += (double) x[i] * x[i];
        }
        return 10 * Math.log10(sum / n);
    }
}
