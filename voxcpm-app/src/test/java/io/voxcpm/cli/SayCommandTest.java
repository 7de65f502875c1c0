package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.voxcpm.cache.CountingStandInEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SayCommandTest {

    @TempDir
    Path dir;

    @Test
    void saysWithTheEmbeddedEngineIntoAWavSoxReads() throws Exception {
        SoxInfo.assumeAvailable();
        Path out = dir.resolve("hello.wav");
        CliRun run = CliRun.of(new SayCommand(), "Hello from the embedded voice.", "-o", out.toString(),
                "--format", "ulaw8k", "--cache-dir", dir.resolve("cache").toString(), "--normalize");
        assertThat(run.exit()).as(run.err()).isZero();
        SoxInfo info = SoxInfo.of(out);
        assertThat(info.sampleRate()).isEqualTo(8000);
        assertThat(info.channels()).isEqualTo(1);
        assertThat(info.encoding()).isEqualTo("u-law");
        assertThat(info.seconds()).isBetween(1.0, 5.0);

        // a second say of the same text comes from the cache the first one filled
        Path again = dir.resolve("again.wav");
        CliRun second = CliRun.of(new SayCommand(), "Hello from the embedded voice.", "-o", again.toString(),
                "--format", "ulaw8k", "--cache-dir", dir.resolve("cache").toString(), "--normalize");
        assertThat(second.exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void writesTheFormatAskedForWithAStandIn() throws Exception {
        SoxInfo.assumeAvailable();
        Path out = dir.resolve("x.wav");
        CliRun run = CliRun.of(new SayCommand(o -> new CountingStandInEngine(48000)), "<speak>Hi <break/>there</speak>",
                "--ssml", "-o", out.toString(), "--format", "pcm16k", "--no-cache");
        assertThat(run.exit()).as(run.err()).isZero();
        SoxInfo info = SoxInfo.of(out);
        assertThat(info.sampleRate()).isEqualTo(16000);
        assertThat(info.encoding()).isEqualTo("Signed Integer PCM");
        assertThat(info.seconds()).isGreaterThan(0.1);
        assertThat(Files.exists(dir.resolve("data"))).isFalse();
    }

    @Test
    void anUnknownVoiceFailsWithItsName() {
        CliRun run = CliRun.of(new SayCommand(o -> new CountingStandInEngine(48000)), "Hi", "--voice", "acme",
                "-o", dir.resolve("x.wav").toString(), "--no-cache");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("unknown voice 'acme'");
        assertThat(Files.exists(dir.resolve("x.wav"))).isFalse();
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun run = CliRun.of(new SayCommand(o -> new CountingStandInEngine(48000)), "Hi", "--format", "mp3",
                "-o", dir.resolve("x.wav").toString(), "--no-cache");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown format 'mp3'");
    }
}
