package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoudnessNormalizerTest {

    private static short[] sine(double freq, double amplitudeDbfs, double seconds, int rate) {
        double a = 32768 * Math.pow(10, amplitudeDbfs / 20);
        short[] pcm = new short[(int) (seconds * rate)];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(a * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return pcm;
    }

    /** Noise bursts shaped like syllables with pauses: a crest factor and gaps like speech. */
    private static short[] speechLike(double gain, int rate) {
        Random r = new Random(7);
        short[] pcm = new short[rate * 4];
        double lp = 0;
        for (int i = 0; i < pcm.length; i++) {
            double envelope = Math.max(0, Math.sin(2 * Math.PI * 3.0 * i / rate));
            boolean pause = (i / (rate / 2)) % 4 == 3;
            lp = 0.7 * lp + 0.3 * r.nextGaussian();
            pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(pause ? 0 : gain * envelope * lp)));
        }
        return pcm;
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 16000, 44100, 48000})
    void aFullScaleToneReadsAsBs1770Says(int rate) {
        // BS.1770: a 997 Hz sine at 0 dBFS reads -3.01 LKFS; K-weighting is ~0 dB there at every rate
        double lufs = LoudnessNormalizer.integratedLoudness(sine(997, -20, 3, rate), rate);
        assertThat(lufs).isCloseTo(-23.01, within(0.05));
    }

    @Test
    void kWeightingBoostsHighsAndCutsRumble() {
        double mid = LoudnessNormalizer.integratedLoudness(sine(997, -20, 3, 48000), 48000);
        double high = LoudnessNormalizer.integratedLoudness(sine(8000, -20, 3, 48000), 48000);
        double low = LoudnessNormalizer.integratedLoudness(sine(20, -20, 3, 48000), 48000);
        // the shelf's +4 dB, less the 0.69 dB it already adds at 1 kHz (BS.1770's -0.691 offsets that)
        assertThat(high - mid).isCloseTo(4.0 - 0.691, within(0.25));
        assertThat(low - mid).isLessThan(-10);              // below the 38 Hz high-pass
    }

    @Test
    void silenceIsGatedOut() {
        short[] tone = sine(997, -20, 3, 16000);
        short[] withSilence = new short[tone.length * 3];
        System.arraycopy(tone, 0, withSilence, 0, tone.length);
        // ungated, two thirds silence would read 4.8 dB lower; the blocks straddling the end cost a little
        assertThat(LoudnessNormalizer.integratedLoudness(withSilence, 16000))
                .isCloseTo(LoudnessNormalizer.integratedLoudness(tone, 16000), within(0.3));
        assertThat(LoudnessNormalizer.integratedLoudness(new short[16000], 16000)).isInfinite();
        short[] silent = new short[800];
        assertThat(LoudnessNormalizer.defaults().normalize(silent, 16000)).isEqualTo(silent);
    }

    @ParameterizedTest
    @ValueSource(doubles = {300, 3000})
    void bringsSpeechToTheTargetFromBelowAndAbove(double gain) {
        short[] pcm = speechLike(gain, 16000);
        LoudnessNormalizer n = new LoudnessNormalizer(-24, -1);
        short[] out = n.normalize(pcm, 16000);
        assertThat(LoudnessNormalizer.integratedLoudness(out, 16000)).isCloseTo(-24, within(0.1));
    }

    @Test
    void neverClipsWhenThePeakLimitsTheGain() {
        // quiet tone with rare full-ish clicks: loudness wants +20 dB, the clicks allow far less
        short[] pcm = sine(997, -45, 2, 16000);
        for (int i = 0; i < pcm.length; i += 4000) {
            pcm[i] = 16000;
        }
        LoudnessNormalizer n = new LoudnessNormalizer(-20, -1);
        double gain = n.gainDb(pcm, 16000);
        short[] out = n.normalize(pcm, 16000);
        int peak = 0;
        for (short s : out) {
            peak = Math.max(peak, Math.abs((int) s));
        }
        assertThat(20 * Math.log10(peak / 32768.0)).isLessThanOrEqualTo(-1 + 0.001);
        assertThat(gain).isLessThan(-20 - LoudnessNormalizer.integratedLoudness(pcm, 16000));
        assertThat(LoudnessNormalizer.integratedLoudness(out, 16000)).isLessThan(-20);
    }
}
