package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingTest {

    @TempDir
    Path tmp;

    private Path file(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static double rms(short[] s, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (s[i] / 32768.0) * (s[i] / 32768.0);
        }
        return Math.sqrt(sum / (to - from));
    }

    @Test
    void stereo44kIsDownmixedAndResampledTo16kMonoOfTheSameDuration() throws Exception {
        byte[] wav = TestWavs.sine(44100, 2, 16, false, 3.0, 1000, 0.5);
        Recording r = Recording.read(file("stereo.wav", wav));

        long inFrames = Math.round(3.0 * 44100);
        assertThat(r.sampleCount()).isEqualTo((int) Math.ceil(inFrames * 16000.0 / 44100));
        assertThat(r.durationSeconds()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.001));
        // A 1 kHz sine at half scale has RMS 0.354, and a passband tone must keep it through the filter.
        assertThat(rms(r.samples(), 1000, r.sampleCount() - 1000)).isCloseTo(0.5 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.origin()).contains("stereo.wav", "44100 Hz stereo 16-bit PCM");

        WavFile.Header h = WavFile.header(r.wav());
        assertThat(h.sampleRate()).isEqualTo(16000);
        assertThat(h.channels()).isEqualTo(1);
        assertThat(h.bitsPerSample()).isEqualTo(16);
        assertThat(r.sha256()).isEqualTo(Hashing.sha256(r.wav()));
    }

    @Test
    void readsTwentyFourBitThirtyTwoBitAndFloatAlike() throws Exception {
        Recording pcm16 = Recording.read(file("a.wav", TestWavs.sine(48000, 1, 16, false, 2.0, 440, 0.4)));
        Recording pcm24 = Recording.read(file("b.wav", TestWavs.sine(48000, 1, 24, false, 2.0, 440, 0.4)));
        Recording pcm32 = Recording.read(file("c.wav", TestWavs.sine(48000, 1, 32, false, 2.0, 440, 0.4)));
        Recording f32 = Recording.read(file("d.wav", TestWavs.sine(48000, 1, 32, true, 2.0, 440, 0.4)));
        for (Recording r : new Recording[] {pcm24, pcm32, f32}) {
            assertThat(r.sampleCount()).isEqualTo(pcm16.sampleCount()).isEqualTo(32000);
            short[] a = pcm16.samples();
            short[] b = r.samples();
            for (int i = 0; i < a.length; i++) {
                assertThat(Math.abs(a[i] - b[i])).as("sample %d", i).isLessThanOrEqualTo(2);
            }
        }
        assertThat(f32.origin()).contains("32-bit float");
        assertThat(pcm24.origin()).contains("24-bit PCM");
    }

    @Test
    void tooShort() throws Exception {
        Path p = file("short.wav", TestWavs.speechLike(0.5));
        assertThatThrownBy(() -> Recording.read(p)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("is 0.5 s long; voices need 1-30 s").hasMessageContaining("longer");
    }

    @Test
    void tooLongSaysHowToTrim() throws Exception {
        Path p = file("long.wav", TestWavs.sine(8000, 1, 16, false, 42.3, 300, 0.3));
        assertThatThrownBy(() -> Recording.read(p)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("42.3 s long; voices need 1-30 s").hasMessageContaining("sox in.wav out.wav trim 0 20");
    }

    @Test
    void silentAndNearlySilentAreRejected() throws Exception {
        Path zeros = file("zeros.wav", TestWavs.sine(16000, 1, 16, false, 2.0, 300, 0.0));
        assertThatThrownBy(() -> Recording.read(zeros)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("silent").hasMessageContaining("-inf dBFS");
        // -66 dBFS peak: room noise, not speech.
        Path quiet = file("quiet.wav", TestWavs.sine(16000, 1, 16, false, 2.0, 300, 0.0005));
        assertThatThrownBy(() -> Recording.read(quiet)).hasMessageContaining("silent");
        // Opposite channels cancel in the mono mix: the model would hear nothing.
        double[] sig = new double[32000];
        byte[] stereo = TestWavs.sine(16000, 2, 16, false, 2.0, 300, 0.5);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(stereo).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sig.length; i++) {
            b.putShort(44 + i * 4 + 2, (short) -b.getShort(44 + i * 4));
        }
        assertThatThrownBy(() -> Recording.read(file("cancel.wav", stereo))).hasMessageContaining("silent");
    }

    @Test
    void clippedIsRejectedWithTheCount() throws Exception {
        // A sine driven to twice full scale: about a third of its samples sit at the rails.
        Path p = file("clipped.wav", TestWavs.sine(16000, 1, 16, false, 2.0, 300, 2.0));
        assertThatThrownBy(() -> Recording.read(p)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageMatching("(?s).*clipped: \\d+ samples .* at full scale; record at a lower level.*");
        // A few full-scale peaks (below 0.1%) are tolerated.
        double[] sig = new double[32000];
        for (int i = 0; i < sig.length; i++) {
            sig[i] = 0.3 * Math.sin(2 * Math.PI * 300 * i / 16000.0);
        }
        for (int i = 0; i < 20; i++) {
            sig[i * 1000] = 1.0;
        }
        assertThat(Recording.read(file("peaks.wav", TestWavs.wav(16000, 1, 16, false, sig))).sampleCount()).isEqualTo(32000);
    }

    @Test
    void unreadableFilesSayWhatToDo() throws Exception {
        byte[] noise = new byte[5000];
        new Random(1).nextBytes(noise);
        assertThatThrownBy(() -> Recording.read(file("noise.bin", noise))).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("not a WAV or FLAC file").hasMessageContaining("convert it");
        assertThatThrownBy(() -> Recording.read(file("song.mp3", new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0})))
                .hasMessageContaining("looks like MP3");
        assertThatThrownBy(() -> Recording.read(tmp.resolve("missing.wav"))).hasMessageContaining("not found");
        byte[] truncated = java.util.Arrays.copyOf(TestWavs.speechLike(2), 30);
        assertThatThrownBy(() -> Recording.read(file("trunc.wav", truncated))).isInstanceOf(InvalidRecordingException.class);
        byte[] alaw = TestWavs.speechLike(2);
        alaw[20] = 6;
        assertThatThrownBy(() -> Recording.read(file("alaw.wav", alaw))).hasMessageContaining("A-law is not supported");
    }

    @Test
    void flacWithoutSoxSaysSo() throws Exception {
        Path p = file("voice.flac", new byte[] {'f', 'L', 'a', 'C', 0, 0, 0, 34});
        assertThatThrownBy(() -> Recording.read(p, Optional.empty())).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("FLAC needs sox installed").hasMessageContaining("or convert to WAV");
    }

    @Test
    void flacIsConvertedWithSox() throws Exception {
        Optional<Path> sox = Sox.onPath();
        Assumptions.assumeTrue(sox.isPresent(), "sox not on PATH; FLAC conversion not tested");
        Path wav = file("in.wav", TestWavs.sine(44100, 2, 24, false, 2.5, 500, 0.4));
        Path flac = tmp.resolve("in.flac");
        Process p = new ProcessBuilder(sox.get().toString(), wav.toString(), flac.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        Recording fromFlac = Recording.read(flac);
        Recording fromWav = Recording.read(wav);
        assertThat(fromFlac.wav()).isEqualTo(fromWav.wav()); // FLAC is lossless
    }
}
