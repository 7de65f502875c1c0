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
        String[] all = new String[args.length + 2];
        all[0] = "--voices-dir";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
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
