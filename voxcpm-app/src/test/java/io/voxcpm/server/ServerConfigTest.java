package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.admin.AdminConfig;
import io.voxcpm.ops.DrainConfig;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.ops.RecordsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    private ServerConfig load(String yaml) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, yaml);
        return ServerConfig.load(file);
    }

    @Test
    void anEmptyFileIsTheDefaults() throws Exception {
        assertThat(load("")).isEqualTo(ServerConfig.DEFAULTS);
        assertThat(load("# every key commented out\n# sip:\n#   port: 5070\n")).isEqualTo(ServerConfig.DEFAULTS);
        assertThatThrownBy(() -> load("hello\n")).isInstanceOf(ServerConfig.ConfigException.class);
        assertThat(load("sip: {}\nengine: {}\n")).isEqualTo(ServerConfig.DEFAULTS);
    }

    @Test
    void eachSectionMapsToItsOwnRecord() throws Exception {
        ServerConfig cfg = load("""
                sip: {port: 5070}
                mrcp: {port: 1600}
                rtp: {port-min: 7000, port-max: 7100}
                synth: {max-sessions: 40}
                engine: {threads: 4}
                cache: {max-mb: 64}
                voices: {dir: v}
                media: {allowed-networks: [10.0.0.0/8]}
                prompts: {dir: p}
                security: {worker: {tls: true}}
                http: {port: 9000}
                drain: {timeout-s: 3}
                records: {max-history: 2}
                admin: {max-upload-mb: 2}
                limits: {sip-invite-burst: 3}
                cost: {max-length: 100}
                """);
        assertThat(cfg.sip().port()).isEqualTo(5070);
        assertThat(cfg.mrcp().port()).isEqualTo(1600);
        assertThat(cfg.rtp().portMax()).isEqualTo(7100);
        assertThat(cfg.synth().maxSessionsPerAddress()).isEqualTo(20);
        assertThat(cfg.engine().threads()).isEqualTo(4);
        assertThat(cfg.cache().maxMb()).isEqualTo(64);
        assertThat(cfg.voices().dir()).isEqualTo("v");
        assertThat(cfg.media().allowedNetworks()).containsExactly("10.0.0.0/8");
        assertThat(cfg.prompts().dir()).isEqualTo("p");
        assertThat(cfg.security().worker().tls()).isTrue();
        assertThat(cfg.http().port()).isEqualTo(9000);
        assertThat(cfg.drain().timeoutS()).isEqualTo(3);
        assertThat(cfg.records().maxHistory()).isEqualTo(2);
        assertThat(cfg.admin().maxUploadMb()).isEqualTo(2);
        assertThat(cfg.limits().sipInviteBurst()).isEqualTo(3);
        assertThat(cfg.cost().maxLength()).isEqualTo(100);
    }

    @Test
    void withReplacesOneSectionAndKeepsEveryOther() {
        ServerConfig changed = ServerConfig.DEFAULTS.withHttp(HttpConfig.DEFAULTS.withPort(0))
                .withDrain(new DrainConfig(1, 2)).withRecords(new RecordsConfig("r.jsonl", null, null, null))
                .withAdmin(new AdminConfig(null, null, 3, null)).withVoices(new VoicesConfig("v"));
        assertThat(changed.http().port()).isZero();
        assertThat(changed.drain().retryAfterS()).isEqualTo(2);
        assertThat(changed.records().enabled()).isTrue();
        assertThat(changed.admin().maxUploadMb()).isEqualTo(3);
        assertThat(changed.voices().dir()).isEqualTo("v");
        assertThat(changed.withHttp(HttpConfig.DEFAULTS).withDrain(DrainConfig.DEFAULTS)
                .withRecords(RecordsConfig.DEFAULTS).withAdmin(AdminConfig.DEFAULTS)
                .withVoices(VoicesConfig.DEFAULTS)).isEqualTo(ServerConfig.DEFAULTS);
    }

    @Test
    void everyProblemOfEverySectionIsListedAtOnce() {
        assertThatThrownBy(() -> load("""
                sip: {port: 70000}
                rtp: {ptime-ms: 25, realtime-priority: 100}
                synth: {unknown-voice: maybe}
                engine: {kind: worker}
                cache: {frame-tier-mb: -1}
                drain: {retry-after-s: 0}
                cost: {max-length: 0}
                """))
                .isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("sip.port must be 0-65535, got 70000")
                .hasMessageContaining("rtp.ptime-ms must be a multiple of 10")
                .hasMessageContaining("rtp.realtime-priority must be 0 (the normal scheduler) or a SCHED_FIFO priority"
                        + " 1-99, got 100")
                .hasMessageContaining("synth.unknown-voice must be reject or default, got 'maybe'")
                .hasMessageContaining("engine.kind 'worker' needs engine.workers")
                .hasMessageContaining("cache.frame-tier-mb must be 0 (off) or more")
                .hasMessageContaining("drain.timeout-s must be 0 or more and drain.retry-after-s at least 1")
                .hasMessageContaining("cost.max-length must be 1-4096");
    }

    @Test
    void theMediaClocksRealtimePriorityIsTenUnlessTheFileNamesOneAndZeroTurnsItOff() throws Exception {
        assertThat(load("sip: {port: 5080}\n").rtp().realtimePriorityOrDefault()).isEqualTo(10);
        assertThat(load("sip: {port: 5080}\n").rtp().realtimePriority()).as("left to the server").isNull();
        assertThat(load("rtp: {realtime-priority: 0}\n").rtp().realtimePriorityOrDefault()).isZero();
        assertThat(load("rtp: {realtime-priority: 50}\n").rtp().realtimePriorityOrDefault()).isEqualTo(50);
    }

    @Test
    void anUnknownKeyNamesItsSectionAndTheClosestKey() {
        assertThatThrownBy(() -> load("engine:\n  limits:\n    first-chunk-timeout-s: 100\n"))
                .hasMessageContaining("unknown key 'engine.limits.first-chunk-timeout-s'")
                .hasMessageContaining("did you mean 'first-chunk-timeout-ms'?");
        assertThatThrownBy(() -> load("drain:\n  timeout: 3\n"))
                .hasMessageContaining("unknown key 'drain.timeout'")
                .hasMessageContaining("valid keys here: retry-after-s, timeout-s");
    }
}
