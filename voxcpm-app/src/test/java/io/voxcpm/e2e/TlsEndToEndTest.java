package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.net.TestPki;
import io.voxcpm.server.SecurityConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server configured with {@code security.tls}: an offer of {@code TCP/TLS/MRCPv2} is answered with the
 * TLS port, the PBX speaks MRCP over TLS and hears the audio; a plain offer still gets the plain port; SIP
 * over TLS answers on its own port. Certificates are made per run.
 */
class TlsEndToEndTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static VoxcpmMrcpServer server;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        ServerConfig config = Pbx.config(42000, new SynthConfig(100, 20, false, 4),
                MrcpConfig.DEFAULTS.withPort(0))
                .withSecurity(new SecurityConfig(new SecurityConfig.Tls(pki.cert("server").toString(),
                        pki.key("server").toString(), null, 0, 0), null)).validated();
        server = VoxcpmMrcpServer.start(config, new ScriptedStandInEngine());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String tlsOffer(int rtpPort) {
        return UniMrcpClientSim.freeswitchOffer(rtpPort, "0", Pbx.PCMU).replace("TCP/MRCPv2", "TCP/TLS/MRCPv2");
    }

    @Test
    void aTlsOfferGetsTheTlsPortAndTheCallSpeaksOverTls() throws Exception {
        assertThat(server.mrcpTlsPort()).isPositive().isNotEqualTo(server.mrcpPort());
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            assertThat(pbx.invite(tlsOffer(pbx.rtpPort()))).startsWith("SIP/2.0 200");
            assertThat(pbx.answerAttribute("^(m=application \\d+ \\S+ 1)"))
                    .isEqualTo("m=application " + server.mrcpTlsPort() + " TCP/TLS/MRCPv2 1");
            pbx.connectMrcpTls(pki.clientContext("ca", null));
            UniMrcpClientSim.MrcpMessage response = Pbx.speak(pbx, 1, "Hello over TLS.");
            assertThat(response.startLine()).endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(15));
            assertThat(complete.startLine()).contains("SPEAK-COMPLETE");
            await().atMost(Duration.ofSeconds(5)).until(() -> !pbx.rtpPackets().isEmpty());
        }
    }

    @Test
    void aChannelNegotiatedOverTlsIsNotServedOverPlainTcp() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            assertThat(pbx.invite(tlsOffer(pbx.rtpPort()))).startsWith("SIP/2.0 200");
            pbx.connectMrcpPlain(server.mrcpPort());
            assertThat(Pbx.speak(pbx, 1, "Downgraded.").startLine()).endsWith(" 1 405 COMPLETE");
            assertThat(pbx.rtpPackets()).isEmpty();
        }
    }

    @Test
    void aPlainOfferStillGetsThePlainPort() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            assertThat(pbx.answerAttribute("^(m=application \\d+ \\S+ 1)"))
                    .isEqualTo("m=application " + server.mrcpPort() + " TCP/MRCPv2 1");
            assertThat(Pbx.speak(pbx, 1, "Hello.").startLine()).endsWith(" 1 200 IN-PROGRESS");
        }
    }

    @Test
    void sipOverTlsAnswersOptionsOnItsPort() throws Exception {
        SSLSocket socket = (SSLSocket) pki.clientContext("ca", null).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.sipTlsPort());
        try (socket) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            int local = socket.getLocalPort();
            String options = "OPTIONS sip:127.0.0.1:" + server.sipTlsPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + local + ";branch=z9hG4bKtls1\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:127.0.0.1:" + local + ">;tag=a1\r\n"
                    + "To: <sip:127.0.0.1:" + server.sipTlsPort() + ">\r\nCall-ID: tls-options-1\r\n"
                    + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write(options.getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[8192];
            int n = socket.getInputStream().read(buf);
            String answer = new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("SIP/2.0 200").contains("SIP/2.0/TLS");
        }
    }
}
