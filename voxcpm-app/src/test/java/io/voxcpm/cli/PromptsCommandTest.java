package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.voice.WavAudio;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsCommandTest {

    @TempDir
    Path dir;

    @Test
    void addListRemoveThroughTheCommandLine() throws Exception {
        short[] tone = new short[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
        }
        Path wav = Files.write(dir.resolve("chime.wav"), WavAudio.mono16(tone, 8000));
        String store = dir.resolve("prompts").toString();

        CliRun add = CliRun.of(new PromptsCommand(), "--prompts-dir", store, "add", "chime", wav.toString());
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("added chime: 1.00 s at 8000 Hz").contains("prompt:chime");
        CliRun again = CliRun.of(new PromptsCommand(), "--prompts-dir", store, "add", "chime", wav.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists").contains("--replace");
        assertThat(CliRun.of(new PromptsCommand(), "--prompts-dir", store, "add", "--replace", "chime",
                wav.toString()).exit()).isZero();

        CliRun list = CliRun.of(new PromptsCommand(), "--prompts-dir", store, "list");
        assertThat(list.out()).containsPattern("chime\\s+1.00 s\\s+8000 Hz");

        assertThat(CliRun.of(new PromptsCommand(), "--prompts-dir", store, "remove", "chime").out())
                .contains("removed chime");
        CliRun gone = CliRun.of(new PromptsCommand(), "--prompts-dir", store, "remove", "chime");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("no prompt named 'chime'");
        assertThat(CliRun.of(new PromptsCommand(), "--prompts-dir", store, "add", "x", "/nonexistent.wav").err())
                .contains("not found");
        assertThat(CliRun.of(new PromptsCommand(), "--prompts-dir", store).exit()).isEqualTo(2);
    }
}
