package io.voxcpm.ops.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lingering close after a refusal, in virtual time. */
class BodyLimitTest {

    private final Routes routes = new Routes()
            .add("POST", "/small", call -> HttpReply.json(200, Map.of("bytes", call.body().length)));

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ManagementServer.addHttp(ch.pipeline(), new HttpLimits(16 * 1024, 1000, Duration.ofSeconds(30), 8, 2),
                routes, null);
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String outbound(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    @Test
    void aRefusedConnectionDrainsWhatFollowsAndClosesAfterTheLinger() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"));
        assertThat(outbound(ch)).startsWith("HTTP/1.1 413").contains("at most 1000 bytes");
        assertThat(ch.isOpen()).as("open while the client may still be sending").isTrue();

        // the rest of the body, and a request pipelined behind it, are dropped unanswered
        ByteBuf rest = ascii("x".repeat(5000) + "POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx");
        ch.writeInbound(rest);
        assertThat(rest.refCnt()).isZero();
        assertThat(outbound(ch)).isEmpty();
        assertThat((Object) ch.readInbound()).isNull();

        ch.advanceTimeBy(ManagementServer.REFUSAL_LINGER_MILLIS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("closed after the linger").isFalse();
    }

    @Test
    void anOversizedChunkedBodyLingersToo() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("POST /small HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
        ch.writeInbound(ascii("7d0\r\n" + "y".repeat(2000) + "\r\n"));
        assertThat(outbound(ch)).startsWith("HTTP/1.1 413");
        ch.writeInbound(ascii("7d0\r\n" + "y".repeat(2000) + "\r\n0\r\n\r\n"));
        assertThat(outbound(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(ManagementServer.REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRequestWithinTheLimitIsAnsweredAndTheConnectionKept() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"));
        assertThat(outbound(ch)).startsWith("HTTP/1.1 200").endsWith("{\"bytes\":3}");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }
}
