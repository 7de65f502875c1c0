package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.net.IpNetwork;
import io.voxcpm.sip.SipLimits;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code limits:} section and the per-address session default. */
class LimitsConfigTest {

    @TempDir
    Path dir;

    @Test
    void onePbxGetsHalfTheSessionsByDefaultSoOneSourceNeverTakesThemAll() throws Exception {
        assertThat(ServerConfig.DEFAULTS.synth().maxSessions()).isEqualTo(500);
        assertThat(ServerConfig.DEFAULTS.synth().maxSessionsPerAddress()).isEqualTo(250);
        Path yaml = dir.resolve("s.yaml");
        Files.writeString(yaml, "synth:\n  max-sessions: 120\n");
        assertThat(ServerConfig.load(yaml).synth().maxSessionsPerAddress()).isEqualTo(60);
        Files.writeString(yaml, "synth:\n  max-sessions: 120\n  max-sessions-per-address: 120\n");
        assertThat(ServerConfig.load(yaml).synth().maxSessionsPerAddress()).as("a one-PBX site says so").isEqualTo(120);
    }

    @Test
    void everyKeyIsReadAndReachesItsComponent() throws Exception {
        Path yaml = dir.resolve("l.yaml");
        Files.writeString(yaml, String.join("\n", "limits:",
                "  session-max-duration-s: 7200",
                "  session-idle-after-speak-s: 300",
                "  sip-allowed-networks: [10.1.0.0/16]",
                "  sip-invites-per-second: 20",
                "  sip-invite-burst: 40",
                "  sip-transactions-per-source: 900",
                "  sip-rejections-per-second: 5",
                "  sip-ack-timeout-ms: 4000",
                "  set-params-max-count: 20",
                "  set-params-max-bytes: 2048",
                "  sip-awaiting-ack-max: 50",
                "  sip-awaiting-ack-per-source: 10", ""));
        LimitsConfig limits = ServerConfig.load(yaml).limits();
        assertThat(limits.sessionMaxDurationS()).isEqualTo(7200);
        assertThat(limits.sessionIdleAfterSpeakS()).isEqualTo(300);
        assertThat(limits.setParamsMaxCount()).isEqualTo(20);
        assertThat(limits.setParamsMaxBytes()).isEqualTo(2048);
        assertThat(limits.sip()).isEqualTo(new SipLimits(Duration.ofSeconds(4), 900, 20, 40, 5,
                java.util.List.of(IpNetwork.parse("10.1.0.0/16")), 50, 10));
    }

    @Test
    void badValuesAreNamed() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "limits:\n  sip-allowed-networks: [pbx.example.com]\n  sip-invite-burst: 0\n"
                + "  set-params-max-bytes: 10\n  sip-awaiting-ack-per-source: -1\n");
        assertThatThrownBy(() -> ServerConfig.load(yaml)).isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("limits.sip-allowed-networks").hasMessageContaining("pbx.example.com")
                .hasMessageContaining("limits.sip-*").hasMessageContaining("limits.set-params-max-count")
                .hasMessageContaining("limits.sip-awaiting-ack-per-source must be 0 (no cap) or more, got 240 and -1");
    }

    @Test
    void theShippedComposeConfigurationServesSipOnlyFromPrivateNetworks() throws Exception {
        Path shipped = Path.of("..", "docker", "server.yaml");
        SipLimits sip = ServerConfig.load(shipped).limits().sip();
        assertThat(sip.allowedSources()).isNotEmpty();
        assertThat(allowed(sip, "192.168.1.20")).isTrue();
        assertThat(allowed(sip, "10.20.30.40")).isTrue();
        assertThat(allowed(sip, "203.0.113.7")).as("a stranger on the internet").isFalse();
        assertThat(Files.readString(Path.of("..", "docker", "docker-compose.yml")))
                .contains("\"--config\", \"/etc/voxcpm-mrcp/server.yaml\"")
                .contains("./server.yaml:/etc/voxcpm-mrcp/server.yaml:ro");
    }

    private static boolean allowed(SipLimits limits, String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return limits.allowedSources().stream().anyMatch(n -> n.contains(a));
    }
}
