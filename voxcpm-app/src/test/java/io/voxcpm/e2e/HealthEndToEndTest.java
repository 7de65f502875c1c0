package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.PCMU;
import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.ops.Operations;
import io.voxcpm.ops.DrainConfig;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/live} and {@code /health/ready} over real HTTP while real SIP/MRCP calls run: not ready while
 * the engine loads, ready after, not ready once draining (new INVITEs 503 with the configured Retry-After)
 * while the call in progress still speaks.
 */
class HealthEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();

    static ServerConfig config(int rtpBase) {
        ServerConfig base = Pbx.config(rtpBase, ServerConfig.DEFAULTS.synth(), ServerConfig.DEFAULTS.mrcp().withPort(0));
        return base.withHttp(HttpConfig.DEFAULTS.withAddress("127.0.0.1").withPort(0))
                .withDrain(new DrainConfig(5, 7));
    }

    private HttpResponse<String> get(Operations ops, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsStartupServingAndDrainingWhileCallsRun() throws Exception {
        CountDownLatch engineMayLoad = new CountDownLatch(1);
        ServerConfig cfg = config(44000);
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(cfg, VoiceCatalog.EMPTY, () -> {
            try {
                engineMayLoad.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ScriptedStandInEngine();
        }); Operations ops = Operations.start(cfg, server)) {
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> starting = get(ops, "/health/ready");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(starting.body()).contains("\"ready\":false").contains("starting: the speech engine is loading");

            engineMayLoad.countDown();
            server.ready().get(10, TimeUnit.SECONDS);
            HttpResponse<String> ready = get(ops, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("{\"ready\":true,\"reason\":\"serving\",\"sessions\":0}");

            try (UniMrcpClientSim call = Pbx.call(server)) {
                assertThat(get(ops, "/health/ready").body()).contains("\"sessions\":1");
                server.startDraining(cfg.drain().retryAfterS());

                HttpResponse<String> draining = get(ops, "/health/ready");
                assertThat(draining.statusCode()).isEqualTo(503);
                assertThat(draining.body()).contains("draining");
                assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
                try (UniMrcpClientSim late = new UniMrcpClientSim(Pbx.sip(server))) {
                    String refused = late.invite(UniMrcpClientSim.freeswitchOffer(late.rtpPort(), "0", PCMU));
                    assertThat(refused).startsWith("SIP/2.0 503").containsIgnoringCase("\r\nRetry-After: 7\r\n");
                }
                // the call in progress is served as before
                assertThat(Pbx.status(Pbx.speak(call, 1, "[[seconds=0.1]] still here"))).isEqualTo(200);
                assertThat(call.sendBye()).startsWith("SIP/2.0 200");
            }
        }
    }
}
