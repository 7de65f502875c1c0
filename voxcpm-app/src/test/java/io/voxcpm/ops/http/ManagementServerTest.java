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

/** The management port over real HTTP on loopback: routing, JSON errors and each limit. */
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
    void routesByMethodAndPathWithDecodedSegmentsAndQuery() throws Exception {
        Routes routes = new Routes()
                .add("GET", "/admin/v1/voices/{name}", call -> HttpReply.json(200,
                        Map.of("name", call.pathParam("name"), "full", call.query("full").orElse("no"))))
                .add("DELETE", "/admin/v1/voices/{name}", call -> HttpReply.json(204, Map.of()))
                .add("GET", "/health/live", call -> HttpReply.text(200, HttpReply.TEXT, "live"));
        start(HttpLimits.DEFAULTS, routes);

        HttpResponse<String> voice = get("/admin/v1/voices/anna%20b+c?full=yes");
        assertThat(voice.statusCode()).isEqualTo(200);
        assertThat(voice.headers().firstValue("content-type")).hasValue(HttpReply.JSON);
        assertThat(voice.body()).contains("\"name\":\"anna b+c\"").contains("\"full\":\"yes\"");
        assertThat(get("/health/live/").body()).isEqualTo("live");

        HttpResponse<String> missing = get("/admin/v1/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"not_found\",\"message\":\"nothing at /admin/v1/nothing\"}");

        HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(uri("/admin/v1/voices/anna"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("DELETE, GET");
        assertThat(wrongMethod.body()).contains("\"error\":\"method_not_allowed\"");
    }

    @Test
    void routesAddedWhileRunningAreServed() throws Exception {
        Routes routes = new Routes();
        start(HttpLimits.DEFAULTS, routes);
        assertThat(get("/late").statusCode()).isEqualTo(404);
        routes.add("GET", "/late", call -> HttpReply.json(200, Map.of("ok", true)));
        assertThat(get("/late").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> routes.add("get", "/late", call -> null))
                .hasMessageContaining("already registered");
    }

    @Test
    void handlerFailuresBecomeJsonErrors() throws Exception {
        Routes routes = new Routes()
                .add("GET", "/refused", call -> {
                    throw new HttpError(409, "voice_exists", "a voice named 'anna' exists");
                })
                .add("GET", "/broken", call -> {
                    throw new IllegalStateException("disk gone");
                })
                .add("POST", "/json", call -> HttpReply.json(200, call.bodyJson(Map.class)));
        start(HttpLimits.DEFAULTS, routes);

        HttpResponse<String> refused = get("/refused");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).isEqualTo("{\"error\":\"voice_exists\",\"message\":\"a voice named 'anna' exists\"}");
        HttpResponse<String> broken = get("/broken");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).contains("\"error\":\"internal_error\"").contains("disk gone")
                .doesNotContain("at io.voxcpm");
        HttpResponse<String> badJson = client.send(HttpRequest.newBuilder(uri("/json"))
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("\"error\":\"bad_json\"");
    }

    @Test
    void bodiesOverTheRouteLimitGet413WhetherDeclaredOrChunked() throws Exception {
        Routes routes = new Routes()
                .add("POST", "/small", call -> HttpReply.json(200, Map.of("bytes", call.body().length)))
                .add("POST", "/upload", 200_000, call -> HttpReply.json(200, Map.of("bytes", call.body().length)));
        start(new HttpLimits(16 * 1024, 1000, Duration.ofSeconds(30), 8, 2), routes);

        assertThat(post("/small", new byte[1000], false).body()).isEqualTo("{\"bytes\":1000}");
        Reply declared = post("/small", new byte[1001], false);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("\"error\":\"body_too_large\"").contains("at most 1000 bytes");
        Reply chunked = post("/small", new byte[5000], true);
        assertThat(chunked.statusCode()).isEqualTo(413);

        assertThat(post("/upload", new byte[150_000], false).body()).isEqualTo("{\"bytes\":150000}");
        assertThat(post("/upload", new byte[150_000], true).body()).isEqualTo("{\"bytes\":150000}");
        assertThat(post("/upload", new byte[200_001], false).statusCode()).isEqualTo(413);
        assertThat(post("/upload", new byte[250_000], true).statusCode()).isEqualTo(413);
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

    record Reply(int statusCode, String body) { }

    /**
     * A POST on a raw socket that sends its whole body whatever the server answers, as curl and the JDK client do:
     * a server that closed on a refusal while the body was still coming would reset the connection here.
     */
    private Reply post(String path, byte[] body, boolean chunked) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (chunked) {
                for (int off = 0; off < body.length; off += 4096) {
                    int n = Math.min(4096, body.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body);
            }
            out.flush();
            String response = readResponse(s.getInputStream());
            return new Reply(Integer.parseInt(response.substring(9, 12)),
                    response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void headersOverTheLimitGet431AndALongRequestLine414() throws Exception {
        start(new HttpLimits(2048, 1000, Duration.ofSeconds(30), 8, 2),
                new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of())));
        String big = "GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n";
        assertThat(raw(big)).startsWith("HTTP/1.1 431").contains("\"error\":\"headers_too_large\"");
        String longLine = "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: a\r\n\r\n";
        assertThat(raw(longLine)).startsWith("HTTP/1.1 414").contains("\"error\":\"uri_too_long\"");
        assertThat(raw("NOT HTTP AT ALL\r\n\r\n")).startsWith("HTTP/1.1 400").contains("\"error\":\"bad_request\"");
    }

    @Test
    void keepsAConnectionAliveAcrossRequestsAndClosesItWhenIdle() throws Exception {
        start(new HttpLimits(16 * 1024, 1000, Duration.ofMillis(300), 8, 2),
                new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of("n", 1))));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("{\"n\":1}");
            }
            long before = System.nanoTime();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(4));
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

    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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
