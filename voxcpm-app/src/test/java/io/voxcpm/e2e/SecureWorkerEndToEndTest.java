package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.net.TestPki;
import io.voxcpm.server.Engines;
import io.voxcpm.server.SecurityConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server and a REAL Python worker that refuses strangers (shared token and mutual TLS): configured
 * through {@code security.worker}, a call is spoken; a server with another token or without a client
 * certificate never gets a synthesis out of the worker and sees it as down.
 */
class SecureWorkerEndToEndTest {

    private static final String TOKEN = "e2e-token-0123456789abcdef";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static final StandInWorkers workers = new StandInWorkers();
    private static String address;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(StandInWorkers.runnable(), StandInWorkers.MISSING);
        pki = TestPki.create(dir);
        Path token = Files.writeString(dir.resolve("worker-token"), TOKEN + "\n");
        address = workers.start(0.0, List.of("--auth-token-file", token.toString(),
                "--tls-cert", pki.cert("server").toString(), "--tls-key", pki.key("server").toString(),
                "--tls-client-ca", pki.cert("ca").toString()));
    }

    @AfterAll
    static void stop() {
        workers.close();
    }

    private static SecurityConfig.Worker worker(String tokenFile, String clientCert) {
        return new SecurityConfig.Worker(tokenFile, true, pki.cert("ca").toString(),
                clientCert == null ? null : pki.cert(clientCert).toString(),
                clientCert == null ? null : pki.key(clientCert).toString(), null);
    }

    private static ServerConfig config(SecurityConfig.Worker worker) {
        return Pbx.config(43000, new SynthConfig(100, 20, false, 4), MrcpConfig.DEFAULTS.withPort(0))
                .withEngine(new EngineConfig("worker", null, List.of(address), null, null))
                .withSecurity(new SecurityConfig(null, worker));
    }

    @Test
    void withTheTokenAndAClientCertificateACallIsSpoken() throws Exception {
        ServerConfig config = config(worker(dir.resolve("worker-token").toString(), "client")).validated();
        SpeechEngine engine = Engines.create(config.engine(), VoiceSource.NONE, config.security().worker());
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(config, engine);
             UniMrcpClientSim pbx = Pbx.call(server)) {
            assertThat(Pbx.speak(pbx, 1, "Hello through a locked worker.").startLine()).endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(pbx.rtpPackets()).isNotEmpty();
        }
        assertThat(workers.log()).contains("zero-shot on instance");
    }

    @Test
    void anotherTokenOrNoClientCertificateGetsNothingAndTheWorkerShowsAsDown() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-token"), "another-token-0123456789");
        for (SecurityConfig.Worker settings : List.of(worker(wrong.toString(), "client"),
                worker(dir.resolve("worker-token").toString(), null))) {
            ServerConfig config = config(settings).validated();
            try (WorkerEngine engine = (WorkerEngine) Engines.create(config.engine(), VoiceSource.NONE,
                    config.security().worker())) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(engine.endpoints())
                        .singleElement().satisfies(s -> assertThat(s.healthy()).isFalse()));
            }
        }
    }
}
