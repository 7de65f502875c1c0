package io.voxcpm.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FLAC file of ten minutes of silence is under 100 KB and decodes to 58 MB (an hour: half a MB to
 * 345 MB): the length its header states is refused before decoding, and a header that does not say is
 * bounded while sox decodes.
 */
class FlacBombTest {

    @TempDir
    Path tmp;

    private Path sox;

    @BeforeEach
    void needsSox() {
        Optional<Path> found = Sox.onPath();
        Assumptions.assumeTrue(found.isPresent(), "sox not on PATH (CI installs it)");
        sox = found.get();
    }

    /** Silence without dither compresses to a few bytes per block. */
    private Path silence(String name, int seconds) throws Exception {
        Path flac = tmp.resolve(name);
        Process p = new ProcessBuilder(sox.toString(), "-D", "-n", "-r", "48000", "-c", "1", "-b", "16",
                flac.toString(), "trim", "0", Integer.toString(seconds)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return flac;
    }

    /** Zeroes STREAMINFO's total-samples field, as a streaming encoder leaves it. */
    private static void forgetLength(Path flac) throws Exception {
        byte[] b = Files.readAllBytes(flac);
        b[8 + 13] &= (byte) 0xF0;
        for (int i = 8 + 14; i < 8 + 18; i++) {
            b[i] = 0;
        }
        Files.write(flac, b);
    }

    @Test
    void theStatedLengthIsRefusedBeforeDecoding() throws Exception {
        Path flac = silence("bomb.flac", 600);
        assertThat(Files.size(flac)).isLessThan(200_000);
        assertThat(FlacInfo.read(flac).totalSamples()).isEqualTo(600L * 48_000);
        long start = System.nanoTime();
        assertThatThrownBy(() -> Recording.read(flac)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("bomb.flac is 600.0 s long");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    }

    @Test
    void anUnstatedLengthIsCutWhileDecoding() throws Exception {
        Path flac = silence("stream.flac", 600);
        forgetLength(flac);
        assertThat(FlacInfo.read(flac).totalSamples()).isZero();
        byte[] wav = Sox.flacToWav(sox, flac);
        assertThat((long) wav.length).as("at most the longest recording and a second")
                .isLessThanOrEqualTo(44 + (long) (Recording.MAX_SECONDS + 1) * 48_000 * 2);
        assertThatThrownBy(() -> Recording.read(flac)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("stream.flac is 31.0 s long");
    }

    @Test
    void outputPastTheByteCapIsRefused() throws Exception {
        Path flac = silence("short.flac", 20);
        forgetLength(flac);
        assertThatThrownBy(() -> Sox.flacToWav(sox, flac, 100_000)).isInstanceOf(InvalidRecordingException.class)
                .hasMessageContaining("decodes to more than");
    }

    @Test
    void aFlacOfUsableLengthStillConverts() throws Exception {
        Path wav = tmp.resolve("in.wav");
        Files.write(wav, TestWavs.speechLike(3.0));
        Path flac = tmp.resolve("in.flac");
        Process p = new ProcessBuilder(sox.toString(), wav.toString(), flac.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Recording.read(flac).durationSeconds()).isBetween(2.9, 3.1);
    }
}
