package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.voice.TestWavs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crafted recording makes {@code voices add} exit 1 with one line saying what is wrong, not a stack trace. */
class VoicesAddHostileFilesTest {

    @TempDir
    Path tmp;

    @Test
    void aChunkSizeThatWrapsTheParserIsAnErrorLine() throws Exception {
        byte[] wav = TestWavs.speechLike(3.0);
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFF_FFF0);
        Path file = tmp.resolve("crafted.wav");
        Files.write(file, wav);
        CliRun run = CliRun.of(new VoicesCommand(), "--voices-dir", tmp.resolve("voices").toString(), "add", "acme",
                "--recording", file.toString(), "--consent", "Jane Doe");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("error:", "'fmt ' chunk claims", "truncated or damaged")
                .doesNotContain("Exception", "\tat ");
        assertThat(tmp.resolve("voices/acme")).doesNotExist();
    }
}
