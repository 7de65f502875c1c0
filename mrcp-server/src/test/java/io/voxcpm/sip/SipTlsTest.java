package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPResponse;
import io.voxcpm.net.PemTls;
import io.voxcpm.net.TestPki;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIP over TLS (RFC 3261 §26.2) with a real TLS client on loopback; certificates made per run. */
class SipTlsTest {

    private static final int WAIT = 3000;

    @TempDir
    static Path dir;
    static TestPki pki;

    private final TestSessions app = new TestSessions();
    private SipServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create(dir);
    }

    @BeforeEach
    void start() throws Exception {
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withT1(Duration.ofMillis(40)), app, new SipTls(0, PemTls.server(pki.cert("server"), pki.key("server"))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void inviteAndByeOverTlsAreAnsweredOnTheConnectionWithTransportTls() throws Exception {
        assertThat(server.tlsPort()).isPositive().isNotEqualTo(server.tcpPort());
        try (SipTestClient c = SipTestClient.tls(server.tlsPort(), pki.clientContext("ca", null))) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            SIPResponse ok = c.receiveFinal(WAIT);
            assertThat(ok.getStatusCode()).isEqualTo(200);
            assertThat(ok.getHeader("Contact").toString()).contains(";transport=tls");
            assertThat(ok.getTopmostVia().getTransport()).isEqualToIgnoringCase("TLS");
            assertThat(app.invites).singleElement().satisfies(call -> assertThat(call.transport()).isEqualTo("TLS"));
            d.withToTagFrom(ok);
            c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
            c.send(c.request("BYE", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
            SIPResponse bye = c.receiveFinal(WAIT, "BYE");
            assertThat(bye.getStatusCode()).isEqualTo(200);
        }
    }

    @Test
    void plainSipToTheTlsPortIsClosedUnanswered() throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.tlsPort())) {
            plain.setSoTimeout(WAIT);
            SipTestClient shape = SipTestClient.tcp(server.tcpPort());
            plain.getOutputStream().write(shape.invite(new SipTestClient.Dialog(), null, SipTestClient.branch())
                    .getBytes(StandardCharsets.UTF_8));
            shape.close();
            byte[] answer = plain.getInputStream().readAllBytes();  // until the server closes
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("SIP/2.0");
        }
        assertThat(app.invites).isEmpty();
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        assertThatThrownBy(() -> SipTestClient.tls(server.tlsPort(), pki.clientContext("rogue-ca", null)))
                .isInstanceOf(SSLException.class);
        assertThat(app.invites).isEmpty();
    }
}
