package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(Main.effectiveArgs(args));
    }

    @Test
    void helpListsEverySubcommand() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("serve", "voices", "say", "render");
    }

    @Test
    void optionsWithoutASubcommandMeanServe() {
        assertThat(Main.effectiveArgs(new String[0])).containsExactly("serve");
        assertThat(Main.effectiveArgs(new String[] {"--sip-port", "5070"})).containsExactly("serve", "--sip-port", "5070");
        assertThat(Main.effectiveArgs(new String[] {"voices", "list"})).containsExactly("voices", "list");
        assertThat(Main.effectiveArgs(new String[] {"--help"})).containsExactly("--help");
    }

    @Test
    void commandLineOverridesTheConfigFile() throws Exception {
        Path yaml = dir.resolve("server.yaml");
        Files.writeString(yaml, "sip:\n  port: 5080\nrtp:\n  port-min: 20000\n  port-max: 20100\n");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", yaml.toString(), "--mrcp-port", "1600", "--rtp-ports", "7000-7100");
        ServerConfig cfg = serve.effectiveConfig();
        assertThat(cfg.sip().port()).isEqualTo(5080);
        assertThat(cfg.mrcp().port()).isEqualTo(1600);
        assertThat(cfg.rtp().portMin()).isEqualTo(7000);
        assertThat(cfg.rtp().portMax()).isEqualTo(7100);
        assertThat(cfg.engine().kind()).isEqualTo("embedded");
    }

    @Test
    void anOptionReplacesOneKeyAndKeepsTheRestOfItsSection() throws Exception {
        // --address once rebuilt the sip section from four keys, resetting the file's TCP caps to defaults
        Path yaml = dir.resolve("server.yaml");
        Files.writeString(yaml, "sip:\n  t1-ms: 250\n  tcp-max-connections: 40\n  tcp-max-connections-per-address: 4\n"
                + "  tcp-idle-timeout-s: 30\nrtp:\n  ptime-ms: 30\nhttp:\n  max-connections: 7\n"
                + "engine:\n  threads: 3\n  fallback: embedded\n  kind: vllm\n  vllm-url: http://127.0.0.1:1\n"
                + "  limits:\n    chunk-stall-timeout-ms: 900\n");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", yaml.toString(), "--address", "127.0.0.1", "--sip-port", "5090",
                "--advertised-address", "192.0.2.7", "--rtp-ports", "7000-7100", "--http-port", "0",
                "--engine", "worker", "--workers", "127.0.0.1:50051");
        ServerConfig cfg = serve.effectiveConfig();
        assertThat(cfg.sip()).isEqualTo(new SipEndpointConfig("127.0.0.1", 5090, "192.0.2.7", 250, 40, 4, 30));
        assertThat(cfg.rtp()).isEqualTo(new RtpConfig(7000, 7100, 30));
        assertThat(cfg.http().port()).isZero();
        assertThat(cfg.http().maxConnections()).isEqualTo(7);
        assertThat(cfg.engine().kind()).isEqualTo("worker");
        assertThat(cfg.engine().threads()).isEqualTo(3);
        assertThat(cfg.engine().fallback()).containsExactly("embedded");
        assertThat(cfg.engine().vllmUrl()).isEqualTo("http://127.0.0.1:1");
        assertThat(cfg.engine().limits().chunkStallTimeoutMs()).isEqualTo(900);
    }

    @Test
    void badValuesAreNamedWithWhatToFix() throws Exception {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--rtp-ports", "5000:6000");
        assertThatThrownBy(serve::effectiveConfig).hasMessageContaining("--rtp-ports must look like 5000-6000");

        Main.Serve worker = new Main.Serve();
        new CommandLine(worker).parseArgs("--engine", "worker");
        assertThatThrownBy(worker::effectiveConfig).hasMessageContaining("engine.workers");
    }

    @Test
    void aTypoInTheConfigFileIsAnErrorNotASilentDefault() throws Exception {
        Path yaml = dir.resolve("typo.yaml");
        Files.writeString(yaml, "sip:\n  prot: 5080\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml))
                .isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("prot");
        assertThatThrownBy(() -> ServerConfig.load(dir.resolve("missing.yaml")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void moreSessionsThanMrcpConnectionsIsAnError() throws Exception {
        Path yaml = dir.resolve("sessions.yaml");
        Files.writeString(yaml, "synth:\n  max-sessions: 5000\n  max-sessions-per-address: 5000\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml)).hasMessageContaining("mrcp.max-connections-per-address (600)")
                .hasMessageContaining("synth.max-sessions-per-address (5000)");
        Files.writeString(yaml, "synth:\n  max-sessions: 5000\n  max-sessions-per-address: 5000\n"
                + "mrcp:\n  max-connections: 5100\n  max-connections-per-address: 5100\n");
        assertThat(ServerConfig.load(yaml).mrcp().tcpLimits().maxPerAddress()).isEqualTo(5100);
    }

    @Test
    void unknownVoiceIsRejectOrDefault() throws Exception {
        assertThat(ServerConfig.DEFAULTS.synth().unknownVoiceFallsBack()).as("reject by default").isFalse();
        Path lenient = dir.resolve("lenient.yaml");
        Files.writeString(lenient, "synth:\n  unknown-voice: default\n");
        assertThat(ServerConfig.load(lenient).synth().unknownVoiceFallsBack()).isTrue();
        Path typo = dir.resolve("unknown-voice.yaml");
        Files.writeString(typo, "synth:\n  unknown-voice: ignore\n");
        assertThatThrownBy(() -> ServerConfig.load(typo)).hasMessageContaining("synth.unknown-voice must be reject or default");
    }

    @Test
    void promptsSectionIsReadAndItsLevelsChecked() throws Exception {
        assertThat(ServerConfig.DEFAULTS.prompts()).isEqualTo(new PromptsConfig("data/prompts", -20.0, 300));
        Path ok = dir.resolve("prompts.yaml");
        Files.writeString(ok, "prompts:\n  dir: /srv/prompts\n  level-lufs: -18\n  level-lookahead-ms: 0\n");
        assertThat(ServerConfig.load(ok).prompts()).isEqualTo(new PromptsConfig("/srv/prompts", -18.0, 0));
        Path bad = dir.resolve("bad-prompts.yaml");
        Files.writeString(bad, "prompts:\n  level-lufs: 3\n  level-lookahead-ms: 5000\n");
        assertThatThrownBy(() -> ServerConfig.load(bad)).hasMessageContaining("prompts.level-lufs must be from -40 to -6")
                .hasMessageContaining("prompts.level-lookahead-ms must be 0 (off) to 2000");
    }

    @Test
    void serveRefusesAnInvalidConfigurationWithExitCode2() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "synth:\n  playout-margin-ms: -5\nrtp:\n  ptime-ms: 25\n");
        assertThat(run("--config", yaml.toString())).isEqualTo(2);
    }
}
