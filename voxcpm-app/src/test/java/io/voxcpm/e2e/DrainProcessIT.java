package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.PCMU;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the real server process (the shaded jar, as the launcher runs it; failsafe runs this after
 * {@code package}) with a real SIP/MRCP/RTP call on loopback: the SPEAK in progress finishes, readiness
 * turns 503 at once, a new INVITE gets 503 with the configured Retry-After, the server ends the call with a
 * BYE, and the process exits 0. A second SIGTERM stops it at once.
 */
class DrainProcessIT {

    private static final Path JAR = Path.of("target", "voxcpm-mrcp.jar");
    /** About ten seconds of speech from the embedded voice: still playing when the SIGTERM comes. */
    private static final String LONG_PROMPT = "Thank you for calling the support line of the example company. "
            + "All of our agents are busy helping other customers right now. Please stay on the line, and the "
            + "next available agent will take your call. You can also find answers on our web site.";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private Process server;
    private int sipPort;
    private int httpPort;

    @AfterEach
    void kill() {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
        }
    }

    private void start(int rtpBase) throws Exception {
        sipPort = freeUdpAndTcpPort();
        httpPort = freeTcpPort();
        int mrcpPort = freeTcpPort();
        Path config = dir.resolve("server.yaml");
        Files.writeString(config, String.join("\n",
                "sip: {address: 127.0.0.1, port: " + sipPort + "}",
                "mrcp: {port: " + mrcpPort + "}",
                "rtp: {port-min: " + rtpBase + ", port-max: " + (rtpBase + 998) + "}",
                "http: {address: 127.0.0.1, port: " + httpPort + "}",
                "drain: {timeout-s: 30, retry-after-s: 3}",
                "cache: {dir: " + dir.resolve("cache") + "}",
                "voices: {dir: " + dir.resolve("voices") + "}",
                ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        server = new ProcessBuilder(java, "-jar", JAR.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ready() != 200) {
            assertThat(server.isAlive()).as("server running; log:\n%s", log()).isTrue();
            assertThat(System.nanoTime()).as("ready within 120 s; log:\n%s", log()).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private int ready() {
        try {
            return health().statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> health() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private UniMrcpClientSim speaking() throws IOException {
        UniMrcpClientSim pbx = new UniMrcpClientSim(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort));
        assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", PCMU))).startsWith("SIP/2.0 200");
        pbx.connectMrcp();
        pbx.sendMrcp("SPEAK", 1, Map.of(), "text/plain", LONG_PROMPT);
        assertThat(pbx.readMrcp(Duration.ofSeconds(30)).startLine()).endsWith("1 200 IN-PROGRESS");
        return pbx;
    }

    @Test
    void sigtermLetsTheSpeakFinishRefusesNewCallsAndExitsZero() throws Exception {
        start(46000);
        try (UniMrcpClientSim pbx = speaking()) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pbx.rtpPackets().size() >= 10);
            server.destroy(); // SIGTERM

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ready() == 503);
            assertThat(health().body()).contains("draining");
            try (UniMrcpClientSim late = new UniMrcpClientSim(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort))) {
                String refused = late.invite(UniMrcpClientSim.freeswitchOffer(late.rtpPort(), "0", PCMU));
                assertThat(refused).startsWith("SIP/2.0 503").containsIgnoringCase("\r\nRetry-After: 3\r\n");
            }
            assertThat(server.isAlive()).as("still draining while the SPEAK plays").isTrue();

            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(60));
            assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            // ten seconds of speech at 20 ms a packet, all of it sent
            assertThat(pbx.rtpPackets().size()).isGreaterThan(300);
            // then the server hangs up, saying why
            assertThat(pbx.awaitServerBye()).startsWith("BYE ").contains("server shutting down");

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exits after the drain; log:\n%s", log()).isTrue();
            assertThat(server.exitValue()).as(log()).isZero();
            assertThat(log()).contains("SIGTERM: draining", "drain done", "1 sessions ended");
        }
    }

    @Test
    void aSecondSigtermStopsAtOnce() throws Exception {
        start(47000);
        try (UniMrcpClientSim pbx = speaking()) {
            server.destroy();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ready() == 503);
            long before = System.nanoTime();
            server.destroy();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).as(log()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.exitValue()).isEqualTo(143);
            assertThat(log()).contains("second SIGTERM: stopping now").doesNotContain("drain done");
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // that UDP port's TCP twin is in use: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
