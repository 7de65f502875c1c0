package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the worker token and TLS settings come from, and that the token never shows up in text. */
class WorkerSecurityTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> ENDPOINT = Map.of(WorkerPoolConfig.ENDPOINTS, "127.0.0.1:50051");

    @TempDir
    Path dir;

    private static WorkerSecurity read(Map<String, String> props, Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(ENDPOINT);
        all.putAll(props);
        return WorkerPoolConfig.fromProperties(all, env::get).security();
    }

    @Test
    void noTokenNoTlsByDefault() {
        assertThat(read(Map.of(), Map.of())).isEqualTo(WorkerSecurity.NONE);
    }

    @Test
    void tokenFromTheConfiguredFileThenTheFileNamedByTheEnvironmentThenTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path other = Files.writeString(dir.resolve("other"), "ffffffffffffffffffff");
        assertThat(read(Map.of(WorkerSecurity.TOKEN_FILE, file.toString()),
                Map.of(WorkerSecurity.TOKEN_FILE_ENV, other.toString())).token()).isEqualTo(TOKEN);
        assertThat(read(Map.of(), Map.of(WorkerSecurity.TOKEN_FILE_ENV, file.toString(),
                WorkerSecurity.TOKEN_ENV, "eeeeeeeeeeeeeeeeeeee")).token()).isEqualTo(TOKEN);
        assertThat(read(Map.of(), Map.of(WorkerSecurity.TOKEN_ENV, TOKEN)).token()).isEqualTo(TOKEN);
    }

    @Test
    void theTokenIsNeverPrinted() {
        WorkerSecurity s = read(Map.of(), Map.of(WorkerSecurity.TOKEN_ENV, TOKEN));
        WorkerPoolConfig config = WorkerPoolConfig.fromProperties(ENDPOINT, Map.of(WorkerSecurity.TOKEN_ENV, TOKEN)::get);
        assertThat(s.toString()).doesNotContain(TOKEN).contains("token=set");
        assertThat(config.toString()).doesNotContain(TOKEN);
    }

    @Test
    void badSettingsAreNamed() throws Exception {
        assertThatThrownBy(() -> read(Map.of(), Map.of(WorkerSecurity.TOKEN_ENV, "short")))
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> read(Map.of(WorkerSecurity.TOKEN_FILE, dir.resolve("missing").toString()), Map.of()))
                .hasMessageContaining("cannot read the worker token file");
        Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> read(Map.of(WorkerSecurity.TLS_CA, pem.toString()), Map.of()))
                .hasMessageContaining("need bridge.tls=true");
        assertThatThrownBy(() -> read(Map.of(WorkerSecurity.TLS, "yes"), Map.of()))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> read(Map.of(WorkerSecurity.TLS, "true", WorkerSecurity.TLS_CERT, pem.toString()),
                Map.of())).hasMessageContaining("go together");
        assertThatThrownBy(() -> read(Map.of(WorkerSecurity.TLS, "true", WorkerSecurity.TLS_CA,
                dir.resolve("nope.pem").toString()), Map.of())).hasMessageContaining("cannot read");
    }
}
