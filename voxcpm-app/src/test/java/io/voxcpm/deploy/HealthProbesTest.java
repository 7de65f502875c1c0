package io.voxcpm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.ops.Operations;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The health checks the deployment files configure, run against a real server's management port: the server
 * image's HEALTHCHECK command (with bash, as the container runs it) fails while the engine loads and passes
 * once it serves, and the paths the Kubernetes probes use answer as the probes expect.
 */
class HealthProbesTest {

    static final String READY = "/health/ready";
    static final String LIVE = "/health/live";

    @Test
    void theImageHealthCheckAndTheProbePathsFollowTheServersState() throws Exception {
        List<String> check = healthCheckCommand();
        assertThat(String.join(" ", check)).contains("127.0.0.1/" + HttpConfig.DEFAULT_PORT).contains("GET " + READY);
        ServerConfig cfg = ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(ServerConfig.DEFAULTS.mrcp().withPort(0))
                .withRtp(new RtpConfig(46000, 46998, 20))
                .withHttp(HttpConfig.DEFAULTS.withAddress("127.0.0.1").withPort(0));
        CountDownLatch mayLoad = new CountDownLatch(1);
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(cfg, VoiceCatalog.EMPTY, () -> {
            try {
                mayLoad.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new EmbeddedEngine(1);
        }); Operations ops = Operations.start(cfg, server)) {
            int port = ops.httpPort();
            assertThat(run(check, port)).as("loading: the container is not healthy yet").isNotZero();
            assertThat(status(port, LIVE)).as("live while loading").isEqualTo(200);
            assertThat(status(port, READY)).isEqualTo(503);

            mayLoad.countDown();
            server.ready().get(60, TimeUnit.SECONDS);
            assertThat(run(check, port)).as("serving: healthy").isZero();
            assertThat(status(port, READY)).isEqualTo(200);

            server.startDraining(5);
            assertThat(run(check, port)).as("draining: out of rotation").isNotZero();
            assertThat(status(port, LIVE)).isEqualTo(200);
        }
    }

    /** The exec-form CMD of the server image's HEALTHCHECK. */
    private static List<String> healthCheckCommand() throws Exception {
        String dockerfile = Files.readString(RepoFiles.root().resolve("docker/server.Dockerfile"));
        Matcher cmd = Pattern.compile("(?s)HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (\\[.*?\\])\\n").matcher(dockerfile);
        assertThat(cmd.find()).as("an exec-form HEALTHCHECK CMD").isTrue();
        List<String> args = new ArrayList<>();
        for (JsonNode a : new ObjectMapper().readTree(cmd.group(1))) {
            args.add(a.asText());
        }
        return args;
    }

    private static int run(List<String> command, int port) throws Exception {
        List<String> local = command.stream()
                .map(a -> a.replace("127.0.0.1/" + HttpConfig.DEFAULT_PORT, "127.0.0.1/" + port)).toList();
        Process p = new ProcessBuilder(local).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the check finishes").isTrue();
        return p.exitValue();
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
