package io.voxcpm.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

    @TempDir
    Path dir;

    private String out;
    private String err;

    private int check(String yaml) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, yaml);
        return run("check", file.toString());
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new ConfigCommand());
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        int code = cli.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void aGoodFileIsValidAndTheEffectiveConfigurationReadsBackAsTheSame() throws Exception {
        assertThat(check("sip:\n  port: 5080\nvoices:\n  dir: " + dir.resolve("voices") + "\ncache:\n  dir: "
                + dir.resolve("cache") + "\n")).isZero();
        assertThat(out).contains("valid", "port: 5080", "max-sessions: 500", "ptime-ms: 20");
        Path printed = dir.resolve("printed.yaml");
        Files.writeString(printed, out);
        assertThat(ServerConfig.load(printed)).isEqualTo(ServerConfig.load(dir.resolve("server.yaml")));
        assertThat(Files.exists(dir.resolve("voices"))).as("checking creates nothing").isFalse();
    }

    @Test
    void aMistypedKeyIsNamedWithTheLikelyIntendedOne() throws Exception {
        assertThat(check("sip:\n  prot: 5080\n")).isEqualTo(1);
        assertThat(err).contains("unknown key 'sip.prot' (did you mean 'port'?); valid keys here: address,"
                + " advertised-address, port");
        assertThat(check("sipp:\n  port: 5080\n")).isEqualTo(1);
        assertThat(err).contains("unknown key 'sipp' (did you mean 'sip'?)");
    }

    @Test
    void badValuesAndBadFilesAreNamed() throws Exception {
        assertThat(check("rtp:\n  port-min: 7000\n  port-max: 6000\nsynth:\n  unknown-voice: maybe\n")).isEqualTo(1);
        assertThat(err).contains("rtp.port-min/port-max must be a range within 1024-65534, got 7000-6000",
                "synth.unknown-voice must be reject or default, got 'maybe'");
        assertThat(check("sip: [1, 2\n")).isEqualTo(1);
        assertThat(err).startsWith("error: ").contains("server.yaml");
        assertThat(run("check", dir.resolve("missing.yaml").toString())).isEqualTo(1);
        assertThat(err).contains("missing.yaml does not exist");
        assertThat(run("check")).isEqualTo(2);
    }

    @Test
    void aDirectoryTheServerCannotCreateIsAnError() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertThat(check("voices:\n  dir: " + file.resolve("voices") + "\n")).isEqualTo(1);
        assertThat(err).contains("voices.dir " + file.resolve("voices") + ": " + file + " is a file, not a directory");
    }
}
