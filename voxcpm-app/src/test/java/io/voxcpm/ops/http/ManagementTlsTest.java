package io.voxcpm.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management port over TLS with PEM files made by openssl (skipped where openssl is missing). */
class ManagementTlsTest {

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithPemFilesAndRefusesPlainHttp() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        selfSigned(cert, key);
        Routes routes = new Routes().add("GET", "/health/live", call -> HttpReply.json(200, Map.of("live", true)));
        try (ManagementServer server = ManagementServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HttpLimits.DEFAULTS, routes, PemTls.server(cert, key))) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"live\":true}");

            HttpClient plain = HttpClient.newHttpClient();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void namesTheFileThatIsMissingOrUnusable() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        assertThatThrownBy(() -> PemTls.server(cert, key)).hasMessage("TLS certificate " + cert + " does not exist");
        Files.writeString(cert, "not a certificate");
        assertThatThrownBy(() -> PemTls.server(cert, key)).hasMessage("TLS private key " + key + " does not exist");
        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> PemTls.server(cert, key)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot use TLS certificate " + cert + " with key " + key);
    }

    static void selfSigned(Path cert, Path key) throws Exception {
        ProcessBuilder openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true);
        Process p;
        try {
            p = openssl.start();
        } catch (IOException e) {
            assumeTrue(false, "openssl is not installed");
            return;
        }
        try (InputStream out = p.getInputStream()) {
            String text = new String(out.readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(text).isZero();
        }
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("server", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
