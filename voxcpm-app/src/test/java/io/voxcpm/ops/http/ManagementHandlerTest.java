package io.voxcpm.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management port's pipeline ({@link ManagementServer#addHttp}) on an {@link EmbeddedChannel} in virtual
 * time: routing, JSON errors, each limit and the idle close, byte for byte as a client writes them. The real
 * socket is left to {@link ManagementServerTest} (connection caps, port in use, the refusal a client reads while
 * still sending) and {@link ManagementTlsTest}.
 */
class ManagementHandlerTest {

    private static final HttpLimits SMALL = new HttpLimits(16 * 1024, 1000, Duration.ofSeconds(30), 8, 2);

    private EmbeddedChannel ch;

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    /** A new connection (the one before is closed). */
    private EmbeddedChannel open(HttpLimits limits, Routes routes) {
        close();
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ManagementServer.addHttp(ch.pipeline(), limits, routes, null);
        return ch;
    }

    /** Writes {@code request} as the client sent it and returns everything the server wrote back. */
    private String send(String request) {
        return send(request.getBytes(StandardCharsets.US_ASCII));
    }

    private String send(byte[] request) {
        ch.writeInbound(Unpooled.wrappedBuffer(request));
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    private String get(String path) {
        return send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    private String post(String path, String body) {
        return send("POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    /** A POST of {@code bytes} zero bytes, declared or chunked in 4 KiB chunks. */
    private String post(String path, int bytes, boolean chunked) {
        StringBuilder b = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: a\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n") + "\r\n");
        if (!chunked) {
            b.append("\0".repeat(bytes));
        } else {
            for (int off = 0; off < bytes; off += 4096) {
                int n = Math.min(4096, bytes - off);
                b.append(Integer.toHexString(n)).append("\r\n").append("\0".repeat(n)).append("\r\n");
            }
            b.append("0\r\n\r\n");
        }
        return send(b.toString());
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private void advance(long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    @Test
    void routesByMethodAndPathWithDecodedSegmentsAndQuery() {
        open(HttpLimits.DEFAULTS, new Routes()
                .add("GET", "/admin/v1/voices/{name}", call -> HttpReply.json(200,
                        Map.of("name", call.pathParam("name"), "full", call.query("full").orElse("no"))))
                .add("DELETE", "/admin/v1/voices/{name}", call -> HttpReply.json(204, Map.of()))
                .add("GET", "/health/live", call -> HttpReply.text(200, HttpReply.TEXT, "live")));

        String voice = get("/admin/v1/voices/anna%20b+c?full=yes");
        assertThat(status(voice)).isEqualTo(200);
        assertThat(voice).containsIgnoringCase("content-type: " + HttpReply.JSON + "\r\n");
        assertThat(body(voice)).contains("\"name\":\"anna b+c\"").contains("\"full\":\"yes\"");
        assertThat(body(get("/health/live/"))).isEqualTo("live");

        String missing = get("/admin/v1/nothing");
        assertThat(status(missing)).isEqualTo(404);
        assertThat(body(missing)).isEqualTo("{\"error\":\"not_found\",\"message\":\"nothing at /admin/v1/nothing\"}");

        String wrongMethod = post("/admin/v1/voices/anna", "{}");
        assertThat(status(wrongMethod)).isEqualTo(405);
        assertThat(wrongMethod).containsIgnoringCase("allow: DELETE, GET\r\n");
        assertThat(body(wrongMethod)).contains("\"error\":\"method_not_allowed\"");
        assertThat(ch.isOpen()).as("all on one kept-alive connection").isTrue();
    }

    @Test
    void routesAddedWhileRunningAreServed() {
        Routes routes = new Routes();
        open(HttpLimits.DEFAULTS, routes);
        assertThat(status(get("/late"))).isEqualTo(404);
        routes.add("GET", "/late", call -> HttpReply.json(200, Map.of("ok", true)));
        assertThat(status(get("/late"))).isEqualTo(200);
        assertThatThrownBy(() -> routes.add("get", "/late", call -> null)).hasMessageContaining("already registered");
    }

    @Test
    void handlerFailuresBecomeJsonErrors() {
        open(HttpLimits.DEFAULTS, new Routes()
                .add("GET", "/refused", call -> {
                    throw new HttpError(409, "voice_exists", "a voice named 'anna' exists");
                })
                .add("GET", "/broken", call -> {
                    throw new IllegalStateException("disk gone");
                })
                .add("GET", "/nothing", call -> null)
                .add("POST", "/json", call -> HttpReply.json(200, call.bodyJson(Map.class))));

        String refused = get("/refused");
        assertThat(status(refused)).isEqualTo(409);
        assertThat(body(refused)).isEqualTo("{\"error\":\"voice_exists\",\"message\":\"a voice named 'anna' exists\"}");
        String broken = get("/broken");
        assertThat(status(broken)).isEqualTo(500);
        assertThat(body(broken)).contains("\"error\":\"internal_error\"").contains("disk gone")
                .doesNotContain("at io.voxcpm");
        assertThat(status(get("/nothing"))).isEqualTo(500);
        String badJson = post("/json", "{not json");
        assertThat(status(badJson)).isEqualTo(400);
        assertThat(body(badJson)).contains("\"error\":\"bad_json\"");
        assertThat(body(post("/json", "{\"a\":1}"))).isEqualTo("{\"a\":1}");
    }

    @Test
    void bodiesOverTheRouteLimitGet413WhetherDeclaredOrChunked() {
        Routes routes = new Routes()
                .add("POST", "/small", call -> HttpReply.json(200, Map.of("bytes", call.body().length)))
                .add("POST", "/upload", 200_000, call -> HttpReply.json(200, Map.of("bytes", call.body().length)));
        open(SMALL, routes);
        assertThat(body(post("/small", 1000, false))).isEqualTo("{\"bytes\":1000}");
        assertThat(body(post("/small", 1000, true))).isEqualTo("{\"bytes\":1000}");
        assertThat(body(post("/upload", 150_000, false))).isEqualTo("{\"bytes\":150000}");
        assertThat(body(post("/upload", 150_000, true))).isEqualTo("{\"bytes\":150000}");
        for (String[] refused : new String[][] {{"/small", "1001", "false"}, {"/small", "5000", "true"},
                {"/upload", "200001", "false"}, {"/upload", "250000", "true"}}) {
            open(SMALL, routes);
            String r = post(refused[0], Integer.parseInt(refused[1]), Boolean.parseBoolean(refused[2]));
            assertThat(status(r)).as(String.join(" ", refused)).isEqualTo(413);
            assertThat(body(r)).contains("\"error\":\"body_too_large\"")
                    .contains("at most " + (refused[0].equals("/small") ? 1000 : 200_000) + " bytes");
            if (refused[0].equals("/upload")) {
                assertThat(r).as("past every route's limit: refused on the head, the rest drained unread")
                        .containsIgnoringCase("connection: close\r\n");
            } else {
                assertThat(ch.isOpen()).as("within the largest limit: read whole, so the connection goes on")
                        .isTrue();
            }
        }
    }

    @Test
    void headersOverTheLimitGet431ALongRequestLine414AndGarbage400() {
        HttpLimits limits = new HttpLimits(2048, 1000, Duration.ofSeconds(30), 8, 2);
        Routes routes = new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of()));
        open(limits, routes);
        String big = send("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n");
        assertThat(big).startsWith("HTTP/1.1 431").contains("\"error\":\"headers_too_large\"");
        open(limits, routes);
        String longLine = send("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(longLine).startsWith("HTTP/1.1 414").contains("\"error\":\"uri_too_long\"");
        open(limits, routes);
        assertThat(send("NOT HTTP AT ALL\r\n\r\n")).startsWith("HTTP/1.1 400").contains("\"error\":\"bad_request\"");
    }

    @Test
    void keepsAConnectionAliveAcrossRequestsAndClosesItExactlyWhenIdle() {
        open(new HttpLimits(16 * 1024, 1000, Duration.ofMillis(300), 8, 2),
                new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of("n", 1))));
        for (int i = 0; i < 2; i++) {
            assertThat(get("/x")).startsWith("HTTP/1.1 200").endsWith("{\"n\":1}");
            advance(200);
        }
        assertThat(ch.isOpen()).as("each request restarts the idle time").isTrue();
        advance(99);
        assertThat(ch.isOpen()).isTrue();
        advance(1);
        assertThat(ch.isOpen()).as("300 ms after the last answer").isFalse();
    }

    @Test
    void aRequestAskingToCloseIsAnsweredThenClosed() {
        open(HttpLimits.DEFAULTS, new Routes().add("GET", "/x", call -> HttpReply.json(200, Map.of())));
        assertThat(send("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(ch.isOpen()).isFalse();
    }
}
