package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.voice.TestWavs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class VoicesCommandTest {

    @TempDir
    Path tmp;

    private Path dir;
    private Path wav;
    private String out;
    private String err;

    @BeforeEach
    void setUp() throws Exception {
        dir = tmp.resolve("voices");
        wav = tmp.resolve("jane.wav");
        Files.write(wav, TestWavs.speechLike(4.0));
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new VoicesCommand());
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        String[] all = new String[args.length + 4];
        all[0] = "--voices-dir";
        all[1] = dir.toString();
        all[2] = "--cache-dir";
        all[3] = tmp.resolve("cache").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        int code = cli.execute(all);
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void addListShowRemove() throws Exception {
        assertThat(run("add", "warm-male", "--design", "A warm, mature male voice", "--cfg", "2.0", "--timesteps", "10",
                "--seed", "42", "--language", "en-US", "--by", "ops@acme")).isZero();
        assertThat(out).contains("registered warm-male v1 (design, unanchored");
        assertThat(run("add", "acme-brand", "--recording", wav.toString(), "--transcript", "Welcome to Acme",
                "--consent", "Jane Doe, signed release 2026-11-01")).isZero();
        assertThat(out).contains("registered acme-brand v1", "ultimate clone");
        Path transcript = tmp.resolve("t.txt");
        Files.writeString(transcript, "Welcome to Acme, again");
        assertThat(run("add", "acme-brand", "--recording", wav.toString(), "--transcript-file", transcript.toString(),
                "--consent", "Jane Doe, signed release 2026-11-01")).isZero();
        assertThat(out).contains("acme-brand v2");

        assertThat(run("list")).isZero();
        assertThat(out.lines().toList()).hasSize(3);
        assertThat(out).contains("NAME", "KIND", "STATUS");
        assertThat(out).containsPattern("acme-brand +clone\\+transcript +v2 .* 4\\.0 s +ok");
        assertThat(out).containsPattern("warm-male +design \\(unanchored\\) +v1 .* - +ok");

        assertThat(run("show", "acme-brand")).isZero();
        assertThat(out).contains("acme-brand (current: v2, 2 versions)", "v2  clone+transcript", "v1  clone+transcript",
                "transcript:  Welcome to Acme, again", "consent:     Jane Doe", "identity:    acme-brand@v2:");
        assertThat(out.indexOf("v2  ")).isLessThan(out.indexOf("v1  "));

        assertThat(run("show", "warm-male", "--json")).isZero();
        JsonNode json = new ObjectMapper().readTree(out);
        assertThat(json.get("current").asInt()).isEqualTo(1);
        assertThat(json.at("/versions/0/description").asText()).isEqualTo("A warm, mature male voice");
        assertThat(json.at("/versions/0/defaults/cfg_value").asText()).isEqualTo("2.0");
        assertThat(json.at("/versions/0/defaults/language").asText()).isEqualTo("en-US");
        assertThat(json.at("/versions/0/registeredBy").asText()).isEqualTo("ops@acme");

        assertThat(run("remove", "acme-brand")).isZero();
        assertThat(out).contains("removed acme-brand");
        assertThat(run("remove", "acme-brand")).isEqualTo(1);
        assertThat(err).contains("no voice named 'acme-brand'");
        assertThat(run("show", "acme-brand")).isEqualTo(1);
        assertThat(run("list")).isZero();
        assertThat(out).doesNotContain("acme-brand").contains("warm-male");
    }

    @Test
    void optionsOfTheVoicesCommandWorkAfterTheSubcommandToo() throws Exception {
        Path other = tmp.resolve("elsewhere");
        assertThat(CliRun.of(new VoicesCommand(), "add", "warm", "--design", "A warm voice", "--voices-dir",
                other.toString()).exit()).isZero();
        assertThat(Files.isDirectory(other.resolve("warm/v1"))).isTrue();
        CliRun list = CliRun.of(new VoicesCommand(), "list", "--voices-dir", other.toString());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("warm");
        assertThat(CliRun.of(new VoicesCommand(), "show", "warm", "--voices-dir", other.toString()).exit()).isZero();
        CliRun remove = CliRun.of(new VoicesCommand(), "remove", "warm", "--voices-dir", other.toString(),
                "--cache-dir", tmp.resolve("no-cache").toString(), "--by", "dpo@acme");
        assertThat(remove.exit()).isZero();
        assertThat(Files.exists(other.resolve("warm"))).isFalse();
        assertThat(Files.exists(tmp.resolve("no-cache"))).as("a missing cache is not created").isFalse();
    }

    @Test
    void removingAVoicePurgesItsCacheEntriesAndEveryChangeIsAudited() throws Exception {
        assertThat(run("add", "acme-brand", "--recording", wav.toString(), "--consent", "Jane Doe, signed release",
                "--by", "ops@acme")).isZero();
        // entries as the server stores them: one of this voice, one of another, one without a voice
        var cache = io.voxcpm.cache.PromptCache.open(tmp.resolve("cache"), 1 << 20);
        for (String voice : new String[] {"acme-brand", "other", null}) {
            cache.put(io.voxcpm.cache.CacheKey.builder().text("Hello").voice(voice, voice == null ? null : voice + "@v1:x")
                    .engine("worker", "m").output(16000, io.voxcpm.cache.CacheKey.PCM_S16LE).build(), 16000, new short[160]);
        }
        assertThat(run("remove", "acme-brand", "--by", "dpo@acme")).isZero();
        assertThat(out).contains("removed acme-brand", "purged 1 prompt-cache entries of acme-brand");
        assertThat(io.voxcpm.cache.PromptCache.open(tmp.resolve("cache"), 1 << 20).stats().entries()).isEqualTo(2);

        var log = io.voxcpm.voice.VoiceRegistry.open(dir).auditLog().read();
        assertThat(log).extracting(e -> e.action() + " " + e.voice() + " by " + e.by() + " via " + e.via())
                .containsExactly("add acme-brand by ops@acme via cli", "remove acme-brand by dpo@acme via cli");
        assertThat(log.get(1).consentSha256()).isEqualTo(log.get(0).consentSha256()).hasSize(64);
    }

    @Test
    void usageErrorsExitTwoAndSayWhatToFix() {
        assertThat(run("add", "Acme Brand", "--design", "x")).isEqualTo(2);
        assertThat(err).contains("invalid voice name 'Acme Brand'", "lower-case letters a-z, digits 0-9, '-' and '_'");

        assertThat(run("add", "acme", "--recording", wav.toString())).isEqualTo(2);
        assertThat(err).contains("--consent is required with --recording");

        assertThat(run("add", "acme", "--recording", wav.toString(), "--consent", "Jane", "--transcript", "words",
                "--style", "cheerful")).isEqualTo(2);
        assertThat(err).contains("--transcript and --style cannot both be given", "ultimate clone");

        assertThat(run("add", "acme")).isEqualTo(2);
        assertThat(err).contains("give exactly one of --design");
        assertThat(run("add", "acme", "--design", "x", "--recording", wav.toString())).isEqualTo(2);
        assertThat(run("add", "acme", "--design", "x", "--consent", "Jane")).isEqualTo(2);
        assertThat(err).contains("belong to a cloned voice");
        assertThat(run("add", "acme", "--design", "x", "--cfg", "lots")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err).contains("a subcommand is needed");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(dir.resolve("acme")).doesNotExist();
    }

    @Test
    void failuresExitOneWithTheReason() throws Exception {
        Path shortWav = tmp.resolve("short.wav");
        Files.write(shortWav, TestWavs.speechLike(0.4));
        assertThat(run("add", "acme", "--recording", shortWav.toString(), "--consent", "Jane")).isEqualTo(1);
        assertThat(err).contains("error: recording short.wav is 0.4 s long; voices need 1-30 s");
        assertThat(err).doesNotContain("Exception", "\tat ");

        assertThat(run("add", "acme", "--recording", tmp.resolve("nope.wav").toString(), "--consent", "Jane")).isEqualTo(1);
        assertThat(err).contains("not found");
        assertThat(run("add", "acme", "--design", "x", "--timesteps", "500")).isEqualTo(1);
        assertThat(err).contains("inference timesteps 500 is out of range: use 1-100");
        assertThat(run("show", "nobody")).isEqualTo(1);
    }

    @Test
    void aCorruptVoiceIsListedWithItsProblem() throws Exception {
        assertThat(run("add", "good", "--design", "A calm voice")).isZero();
        assertThat(run("add", "bad", "--recording", wav.toString(), "--consent", "Jane")).isZero();
        Path ref = dir.resolve("bad/v1/reference.wav");
        byte[] b = Files.readAllBytes(ref);
        b[100] ^= 0x40;
        Files.write(ref, b);

        assertThat(run("list")).isZero();
        assertThat(out).containsPattern("bad +\\? +v1 .*CORRUPT: reference.wav fails its SHA-256 checksum");
        assertThat(out).containsPattern("good +design \\(unanchored\\) +v1 .* ok");
        assertThat(run("show", "bad", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out).at("/versions/0/status").asText()).isEqualTo("corrupt");
    }
}
