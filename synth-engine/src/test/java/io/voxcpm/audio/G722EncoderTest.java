package io.voxcpm.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Our G.722 encoder against ffmpeg's, octet for octet, and what a decoder makes of it. */
class G722EncoderTest {

    /** Speech, silence, a chirp over the whole band, full-scale noise and square waves, clipping impulses. */
    private static short[] demanding() {
        Random random = new Random(9);
        short[] chirp = new short[16000];
        double phase = 0;
        for (int i = 0; i < chirp.length; i++) {
            phase += 2 * Math.PI * (50 + 7900.0 * i / chirp.length) / 16000;
            chirp[i] = (short) Math.round(32767 * Math.sin(phase));
        }
        short[] noise = new short[16000];
        short[] square = new short[16000];
        short[] impulses = new short[16000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) random.nextInt(65536);
            square[i] = (i / 7) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
            impulses[i] = i % 500 == 0 ? Short.MIN_VALUE : 0;
        }
        short[] s = Signals.speechLike(16000, 16000 * 3, 21);
        for (short[] part : new short[][] {new short[4000], chirp, noise, square, impulses,
                Signals.speechLike(16000, 16000, 22)}) {
            s = Signals.concat(s, part);
        }
        return s;
    }

    @Test
    void matchesFfmpegOctetForOctet() throws IOException {
        Ffmpeg.assumeAvailable();
        short[] pcm = demanding();
        byte[] ours = new byte[pcm.length / 2];
        new G722Encoder().encode(pcm, 0, pcm.length, ours, 0);

        byte[] reference = Ffmpeg.encodeG722(pcm);

        assertThat(reference).hasSize(ours.length);
        for (int i = 0; i < ours.length; i++) {
            if (ours[i] != reference[i]) {
                throw new AssertionError(String.format("octet %d (sample %d): ours %02x, ffmpeg %02x", i, 2 * i,
                        ours[i] & 0xFF, reference[i] & 0xFF));
            }
        }
    }

    /** ffmpeg decodes what we send back to the speech we encoded, up to the codec's own noise. */
    @Test
    void ffmpegDecodesItBackToTheInput() throws IOException {
        Ffmpeg.assumeAvailable();
        short[] pcm = Signals.speechLike(16000, 16000 * 2, 5);
        byte[] ours = new byte[pcm.length / 2];
        new G722Encoder().encode(pcm, 0, pcm.length, ours, 0);

        short[] decoded = Ffmpeg.decodeG722(ours);

        assertThat(decoded).hasSize(pcm.length);
        int bestLag = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int lag = 0; lag <= 64; lag++) {
            double snr = snr(pcm, decoded, lag);
            if (snr > best) {
                best = snr;
                bestLag = lag;
            }
        }
        System.out.printf("G.722 round trip through ffmpeg's decoder: SNR %.1f dB at a delay of %d samples%n",
                best, bestLag);
        assertThat(bestLag).as("the QMF pair's delay").isEqualTo(22);
        assertThat(best).as("measured 24.6 dB: the 2-bit high band dominates the error").isGreaterThan(20);
    }

    @Test
    void outputDoesNotDependOnHowTheInputIsSplit() {
        short[] pcm = Signals.speechLike(16000, 16000, 3);
        byte[] whole = new byte[pcm.length / 2];
        new G722Encoder().encode(pcm, 0, pcm.length, whole, 0);

        Random random = new Random(4);
        G722Encoder chunked = new G722Encoder();
        byte[] pieces = new byte[pcm.length / 2];
        for (int off = 0; off < pcm.length; ) {
            int len = Math.min(pcm.length - off, 2 * random.nextInt(200));
            chunked.encode(pcm, off, len, pieces, off / 2);
            off += len;
        }
        assertThat(pieces).isEqualTo(whole);
    }

    @Test
    void resetStartsANewStream() {
        short[] pcm = Signals.speechLike(16000, 3200, 8);
        G722Encoder encoder = new G722Encoder();
        byte[] first = new byte[1600];
        byte[] second = new byte[1600];
        encoder.encode(pcm, 0, pcm.length, first, 0);
        encoder.reset();
        encoder.encode(pcm, 0, pcm.length, second, 0);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void silenceFromTheInitialStateIsTheSmallestPositiveStepInBothBands() {
        byte[] out = new byte[8];
        new G722Encoder().encode(new short[16], 0, 16, out, 0);
        assertThat(out).containsOnly(TelephonyFormat.G722_16K.silenceByte());
    }

    @Test
    void rejectsAnOddNumberOfSamples() {
        assertThatThrownBy(() -> new G722Encoder().encode(new short[3], 0, 3, new byte[2], 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double snr(short[] ref, short[] x, int lag) {
        double signal = 0;
        double noise = 0;
        for (int i = 1000; i + lag < x.length - 1000; i++) {
            double d = ref[i] - x[i + lag];
            signal += (double) ref[i] * ref[i];
            noise += d * d;
        }
        return 10 * Math.log10(signal / noise);
    }
}
