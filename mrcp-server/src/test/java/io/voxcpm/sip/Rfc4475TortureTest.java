package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the RFC 4475 torture messages. Over TCP the response comes back on the connection whatever the
 * Via says, so each answer is checked against the response classes the manifest allows; over UDP the
 * messages go out as they are and the server must keep answering an ordinary OPTIONS after each one.
 */
class Rfc4475TortureTest {

    private static final Path DIR = System.getProperty("rfc4475.dir") != null
            ? Path.of(System.getProperty("rfc4475.dir")) : besideTheCheckout();

    /** {@code ../shared/testdata/rfc4475} next to the repository root (the directory holding {@code mvnw}). */
    static Path besideTheCheckout() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        Path root = dir == null ? Path.of("").toAbsolutePath() : dir;
        return root.resolve("../shared/testdata/rfc4475").normalize();
    }
    private static final TestSessions app = new TestSessions();
    private static SipServer server;

    record Case(String name, String accept, String kind) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws InterruptedException {
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withT1(Duration.ofMillis(50)), app);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Case> cases() throws IOException {
        Path manifest = DIR.resolve("manifest.tsv");
        if (!Files.isRegularFile(manifest)) {
            String missing = "RFC 4475 messages not found in " + DIR + " (or -Drfc4475.dir)";
            // in CI a missing corpus is a broken setup, not a reason to pass quietly
            assertThat("true".equalsIgnoreCase(System.getenv("CI"))).as(missing).isFalse();
            Assumptions.assumeTrue(false, missing);
        }
        return Files.readAllLines(manifest).stream().skip(1).map(l -> l.split("\t"))
                .map(f -> new Case(f[0], f[5], f[3]));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void overTcpTheAnswerIsOneTheRfcAllows(Case c) throws Exception {
        byte[] bytes = Files.readAllBytes(DIR.resolve(c.name() + ".dat"));
        try (SipTestClient client = SipTestClient.tcp(server.tcpPort())) {
            client.sendBytes(bytes);
            SIPResponse response = client.receiveFinal(1000);
            Set<String> allowed = Arrays.stream(c.accept().split(",")).collect(Collectors.toSet());
            if (response == null) {
                assertThat(allowed).as(c.name() + ": no answer").contains("none");
            } else {
                int status = response.getStatusCode();
                assertThat(allowed).as(c.name() + " answered " + status)
                        .containsAnyOf(Integer.toString(status), status / 100 + "xx");
            }
        }
        assertStillServing();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void overUdpNothingBreaks(Case c) throws Exception {
        byte[] bytes = Files.readAllBytes(DIR.resolve(c.name() + ".dat"));
        try (SipTestClient client = SipTestClient.udp(server.udpPort())) {
            client.sendBytes(bytes);
        }
        assertStillServing();
    }

    private static void assertStillServing() throws Exception {
        try (SipTestClient probe = SipTestClient.udp(server.udpPort())) {
            probe.send(probe.request("OPTIONS", probe.uri(null), new SipTestClient.Dialog(), 1,
                    SipTestClient.branch(), null, null, null));
            SIPResponse ok = probe.receiveFinal(3000);
            assertThat(ok).as("OPTIONS after the torture message").isNotNull();
            assertThat(ok.getStatusCode()).isEqualTo(200);
        }
    }
}
