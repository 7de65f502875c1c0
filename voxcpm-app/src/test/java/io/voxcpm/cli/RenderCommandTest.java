package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.cache.CountingStandInEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {

    @TempDir
    Path dir;

    @Test
    void rendersAThreeLineListWithTheEmbeddedEngineIntoEveryFormat() throws Exception {
        SoxInfo.assumeAvailable();
        Path list = dir.resolve("prompts.txt");
        Files.writeString(list, """
                Welcome to Acme.
                # a comment
                Press one for sales.

                Goodbye!
                """);
        Path out = dir.resolve("out");
        Path cache = dir.resolve("cache");
        CliRun run = CliRun.of(new RenderCommand(), "--list", list.toString(), "--out", out.toString(),
                "--cache-dir", cache.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 ok, 0 failed");
        assertThat(run.err()).contains("[3/3] ok line 5 (name=goodbye)"); // not a terminal: a line per prompt

        for (String name : List.of("welcome-to-acme", "press-one-for-sales", "goodbye")) {
            double nativeSeconds = SoxInfo.of(out.resolve("native").resolve(name + ".wav")).seconds();
            assertThat(nativeSeconds).isGreaterThan(0.3);
            for (OutputFormat f : OutputFormat.values()) {
                if (f == OutputFormat.G722) {
                    continue; // not a default format, and raw: see rendersRawG722Files
                }
                SoxInfo info = SoxInfo.of(out.resolve(f.id()).resolve(name + ".wav"));
                assertThat(info.sampleRate()).as(f + " " + name).isEqualTo(f.sampleRate(48000));
                assertThat(info.channels()).isEqualTo(1);
                assertThat(info.encoding()).isEqualTo(switch (f) {
                    case ULAW8K -> "u-law";
                    case ALAW8K -> "A-law";
                    default -> "Signed Integer PCM";
                });
                assertThat(info.seconds()).isCloseTo(nativeSeconds, org.assertj.core.api.Assertions.within(0.001));
            }
        }

        // the render filled the cache: a second run synthesises nothing
        CliRun again = CliRun.of(new RenderCommand(), "--list", list.toString(), "--out", out.toString(),
                "--cache-dir", cache.toString(), "--formats", "pcm8k");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("cache 3 hits, 0 misses");
    }

    @Test
    void anUnsupportedLanguageFailsItsLineWithTheEmbeddedEngine() throws Exception {
        Path list = dir.resolve("prompts.yaml");
        Files.writeString(list, """
                prompts:
                  - name: welcome
                    text: Welcome.
                  - name: willkommen
                    text: Willkommen.
                    language: de-DE
                """);
        CliRun run = CliRun.of(new RenderCommand(), "--list", list.toString(), "--out", dir.resolve("out").toString(),
                "--formats", "pcm8k", "--no-cache");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("1 ok, 1 failed");
        assertThat(run.err()).contains("line 4 (name=willkommen): language 'de-DE' is not supported");
        assertThat(Files.exists(dir.resolve("out/pcm8k/welcome.wav"))).isTrue();
        assertThat(Files.exists(dir.resolve("out/pcm8k/willkommen.wav"))).isFalse();
    }

    @Test
    void aCsvListNamesEachFailedLine() throws Exception {
        Path list = dir.resolve("prompts.csv");
        Files.writeString(list, """
                name,text,voice
                welcome,"Welcome to Acme, the ""best"" company",
                menu,Press one.,acme
                empty,,
                thanks,Thank you.,
                """);
        CountingStandInEngine engine = new CountingStandInEngine(48000);
        CliRun run = CliRun.of(new RenderCommand(o -> engine), "--list", list.toString(),
                "--out", dir.resolve("out").toString(), "--formats", "alaw8k,pcm16k", "--no-cache");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("2 ok, 2 failed");
        assertThat(run.err())
                .contains("line 3 (name=menu): unknown voice 'acme'")
                .contains("line 4 (name=empty): no text");
        assertThat(Files.exists(dir.resolve("out/alaw8k/welcome.wav"))).isTrue();
        assertThat(Files.exists(dir.resolve("out/pcm16k/thanks.wav"))).isTrue();
    }

    @Test
    void oneTextBecomesOneFilePerFormat() throws Exception {
        CliRun run = CliRun.of(new RenderCommand(o -> new CountingStandInEngine(48000)), "--text", "Please hold.",
                "--out", dir.toString(), "--formats", "ulaw8k", "--no-cache");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.exists(dir.resolve("ulaw8k/please-hold.wav"))).isTrue();
    }

    /** --formats g722 writes raw .g722 files: 8000 octets per second of the engine's audio. */
    @Test
    void rendersRawG722Files() throws Exception {
        CliRun run = CliRun.of(new RenderCommand(), "--text", "Please hold.", "--out", dir.toString(),
                "--formats", "g722,native", "--no-cache");
        assertThat(run.exit()).as(run.err()).isZero();
        Path g722 = dir.resolve("g722/please-hold.g722");
        assertThat(Files.exists(dir.resolve("g722/please-hold.wav"))).isFalse();
        double seconds = SoxInfo.of(dir.resolve("native/please-hold.wav")).seconds();
        assertThat(Files.size(g722) / 8000.0).isCloseTo(seconds, org.assertj.core.api.Assertions.within(0.001));
    }

    @Test
    void slugsAreSafeFileNames() {
        assertThat(PromptList.slug("../../etc/Passwd Café!")).isEqualTo("etc-passwd-cafe");
        assertThat(PromptList.slug("日本語")).isEmpty();
    }
}
