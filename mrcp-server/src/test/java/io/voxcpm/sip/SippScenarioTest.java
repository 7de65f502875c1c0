package io.voxcpm.sip;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Drives the server with Debian's sipp (the reference SIP tester) and its XML scenarios. */
class SippScenarioTest {

    private static final Path SIPP = Path.of("/usr/bin/sipp");
    private static final TestSessions app = new TestSessions();
    private static SipServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(SIPP), "sipp not installed (Debian package sip-tester)");
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0), app);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
            "mrcp_synth_invite_bye.xml, u1, BYE",
            "mrcp_synth_invite_bye.xml, t1, BYE",
            "mrcp_options.xml, u1, ",
            "mrcp_cancel.xml, u1, CANCEL",
            "mrcp_cancel.xml, t1, CANCEL"})
    void scenarioPasses(String scenario, String transport, String termination) throws Exception {
        int before = app.terminations.size();
        Path work = Files.createDirectories(Path.of("target", "sipp"));
        Path errors = work.resolve(scenario + "." + transport + ".errors.log");
        Files.deleteIfExists(errors);
        int localPort = freePort();
        List<String> command = List.of(SIPP.toString(), "127.0.0.1:" + server.udpPort(),
                "-sf", scenarioPath(scenario).toString(), "-t", transport, "-s", "voxcpm",
                "-i", "127.0.0.1", "-p", Integer.toString(localPort), "-mp", Integer.toString(freePort()),
                "-m", "1", "-timeout", "20s", "-timeout_error", "-trace_err", "-error_file", errors.toString(),
                "-nostdin", "-nd");
        Process sipp = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(scenario + "." + transport + ".out").toFile()).start();
        assertThat(sipp.waitFor(30, TimeUnit.SECONDS)).as("sipp finished").isTrue();
        String errorLog = Files.exists(errors) ? Files.readString(errors) : "";
        assertThat(sipp.exitValue()).as("sipp exit status; errors:\n" + errorLog).isZero();
        if (termination != null) {
            await().untilAsserted(() -> assertThat(app.terminations.subList(before, app.terminations.size()))
                    .singleElement().asString().endsWith(" " + termination));
        }
    }

    private static Path scenarioPath(String name) throws URISyntaxException {
        return Path.of(SippScenarioTest.class.getResource("/sipp/" + name).toURI());
    }

    /** A port free for both UDP and TCP on loopback, for sipp's own socket. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                         tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException e) {
                // taken on UDP: try another
            }
        }
        throw new IOException("no free port");
    }
}
