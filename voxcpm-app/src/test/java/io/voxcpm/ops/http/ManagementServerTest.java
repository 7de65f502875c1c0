package io.voxcpm.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management port over real sockets on loopback, for what only a socket shows: the connection cap, a port
 * in use, and a refusal the client reads while it is still sending its body. Routing, JSON errors, the other
 * limits and the idle close are {@link ManagementHandlerTest}'s, on an EmbeddedChannel in virtual time.
 */
class ManagementServerTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagementServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ManagementServer start(HttpLimits limits, Routes routes) throws IOException {
        server = ManagementServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, routes,
                null);
        return server;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRefusalIsReadableWhileTheBodyIsStillBeingSentAndEndsTheStream() throws Exception {
        start(new HttpLimits(16 * 1024, 1000, Duration.ofSeconds(30), 8, 2),
                new Routes().add("POST", "/small", call -> HttpReply.json(200, Map.of())));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 3000000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the refusal comes on the head alone; the client, unaware, goes on with its 3 MB
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 413").contains("connection: close");
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < 3_000_000; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            assertThat(s.getInputStream().read()).as("the server's side ended after its answer").isEqualTo(-1);
        }
        // the JDK client, which reports a reset as "received no bytes", sees the 413 every time
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/small"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1_200_000])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        start(new HttpLimits(16 * 1024, 1000, Duration.ofSeconds(30), 2, 2),
                new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of())));
        try (Socket a = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket b = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            a.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            b.getOutputStream().write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            a.setSoTimeout(5000);
            b.setSoTimeout(5000);
            assertThat(readResponse(a.getInputStream())).startsWith("HTTP/1.1 200");
            assertThat(readResponse(b.getInputStream())).startsWith("HTTP/1.1 200");
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                c.setSoTimeout(5000);
                assertThat(c.getInputStream().read()).isEqualTo(-1);
            }
        }
        // the slots come back when the connections close
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/x").statusCode() == 200);
    }

    @Test
    void aPortInUseIsReportedWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ManagementServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()),
                    HttpLimits.DEFAULTS, new Routes(), null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }

    /** One response with a Content-Length body. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
