package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.bridge.WorkerSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code security} section as an operator writes it: YAML in, every mistake named. */
class SecurityConfigTest {

    @TempDir
    Path dir;

    private ServerConfig load(String yaml) throws Exception {
        return ServerConfig.load(Files.writeString(dir.resolve("c.yaml"), yaml));
    }

    @Test
    void offByDefault() throws Exception {
        ServerConfig config = load("sip:\n  port: 8060\n");
        assertThat(config.security().tls().enabled()).isFalse();
        assertThat(config.security().worker().bridgeProperties()).containsEntry(WorkerSecurity.TLS, "false")
                .doesNotContainKey(WorkerSecurity.TOKEN_FILE);
    }

    @Test
    void readsTlsAndWorkerSettings() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path token = Files.writeString(dir.resolve("token"), "0123456789abcdef0123");
        ServerConfig config = load("security:\n  tls:\n    cert-file: " + cert + "\n    key-file: " + cert
                + "\n    sip-port: 5061\n  worker:\n    token-file: " + token + "\n    tls: true\n    ca-file: " + cert
                + "\n    authority: worker.internal\n");
        assertThat(config.security().tls().enabled()).isTrue();
        assertThat(config.security().tls().sipPort()).isEqualTo(5061);
        assertThat(config.security().tls().mrcpPort()).isEqualTo(1545);
        assertThat(config.security().worker().bridgeProperties())
                .containsEntry(WorkerSecurity.TOKEN_FILE, token.toString())
                .containsEntry(WorkerSecurity.TLS, "true")
                .containsEntry(WorkerSecurity.TLS_CA, cert.toString())
                .containsEntry(WorkerSecurity.TLS_AUTHORITY, "worker.internal");
    }

    @Test
    void namesEveryMistake() {
        assertThatThrownBy(() -> load("security:\n  tls:\n    cert-file: /nonexistent.pem\n"))
                .hasMessageContaining("security.tls.cert-file and security.tls.key-file go together");
        assertThatThrownBy(() -> load("security:\n  tls:\n    cert-file: /nonexistent.pem\n    key-file: /no.key\n"))
                .hasMessageContaining("security.tls.cert-file: cannot read /nonexistent.pem")
                .hasMessageContaining("security.tls.key-file: cannot read /no.key");
        assertThatThrownBy(() -> load("security:\n  worker:\n    token-file: /nonexistent-token\n"))
                .hasMessageContaining("security.worker: cannot read the worker token file");
        assertThatThrownBy(() -> load("security:\n  worker:\n    token: inline-secrets-are-not-a-key\n"))
                .hasMessageContaining("token");
    }

    @Test
    void tlsPortsMustNotCollideWithThePlainOnes() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertThatThrownBy(() -> load("security:\n  tls:\n    cert-file: " + cert + "\n    key-file: " + cert
                + "\n    sip-port: 8060\n")).hasMessageContaining("must differ");
    }
}
