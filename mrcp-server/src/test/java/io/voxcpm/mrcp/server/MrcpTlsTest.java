package io.voxcpm.mrcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.net.PemTls;
import io.voxcpm.net.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MRCPv2 over TLS (TCP/TLS/MRCPv2) with real TLS clients on loopback; certificates made per run. */
class MrcpTlsTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    private final MrcpChannelRegistry registry = new MrcpChannelRegistry();
    private final List<MrcpRequest> received = new CopyOnWriteArrayList<>();
    private MrcpServer server;

    @BeforeAll
    static void certificates() throws Exception {
        pki = TestPki.create(dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(boolean mutual) throws IOException {
        registry.register("t1@speechsynth", (request, connection) -> {
            received.add(request);
            connection.send(MrcpResponse.to(request, 200, RequestState.COMPLETE));
        });
        server = MrcpServer.builder(registry)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .tls(PemTls.server(pki.cert("server"), pki.key("server"), mutual ? pki.cert("ca") : null))
                .start();
    }

    private SSLSocket connect(SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static MrcpRequest stop(long id) {
        return new MrcpRequest(MrcpMethodNames.STOP, id, MrcpHeaders.ofChannel("t1@speechsynth"));
    }

    @Test
    void aClientTrustingTheServersCaSpeaksMrcpOverTls() throws Exception {
        start(false);
        try (SSLSocket socket = connect(pki.clientContext("ca", null)); TestClient client = new TestClient(socket)) {
            socket.startHandshake();
            client.send(stop(7));
            MrcpResponse response = client.receiveResponse();
            assertThat(response.requestId()).isEqualTo(7);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
        }
        assertThat(received).singleElement().satisfies(r -> assertThat(r.requestId()).isEqualTo(7));
    }

    @Test
    void plainMrcpToTheTlsPortIsClosedUnanswered() throws Exception {
        start(false);
        try (TestClient client = new TestClient(server.port())) {
            client.send(stop(8));
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(received).isEmpty();
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        start(false);
        try (SSLSocket socket = connect(pki.clientContext("rogue-ca", null))) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void withAClientCaOnlyClientsWithItsCertificatesGetThrough() throws Exception {
        start(true);
        for (String cert : new String[] {null, "rogue-client"}) {
            try (SSLSocket socket = connect(pki.clientContext("ca", cert))) {
                assertThatThrownBy(() -> {
                    // TLS 1.3: the server's refusal may arrive with the first read, not the handshake
                    TestClient client = new TestClient(socket);
                    client.send(stop(9));
                    client.receiveResponse();
                }).as("client certificate %s", cert).isInstanceOf(IOException.class);
            }
        }
        try (SSLSocket socket = connect(pki.clientContext("ca", "client")); TestClient client = new TestClient(socket)) {
            client.send(stop(10));
            assertThat(client.receiveResponse().statusCode()).isEqualTo(200);
        }
        assertThat(received).singleElement().satisfies(r -> assertThat(r.requestId()).isEqualTo(10));
    }

    @Test
    void startupNamesAMissingOrMismatchedFile() {
        assertThatThrownBy(() -> PemTls.server(dir.resolve("nope.crt"), pki.key("server")))
                .hasMessageContaining("nope.crt does not exist");
        assertThatThrownBy(() -> PemTls.server(pki.cert("server"), pki.key("client")))
                .hasMessageContaining("cannot use TLS certificate");
    }
}
