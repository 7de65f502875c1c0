package io.voxcpm.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for each message of a stream (slowloris: a client trickling one byte at a time would hold a
 * connection and a partial message forever). Two handlers around the framing decoder: {@link #bytes()}
 * before it starts the clock at the first byte after a complete message, {@link #messages()} after it stops
 * the clock at each decoded message. A message not complete within the timeout closes the connection.
 *
 * <p>A partial message that arrives together with a complete one starts its clock with its next byte; if no
 * byte follows, the connection's idle timeout ends it.
 */
public final class MessageDeadline {

    private static final Logger log = LoggerFactory.getLogger(MessageDeadline.class);

    private final String listener;
    private final long timeoutNanos;
    // both touched only on the connection's event loop
    private ScheduledFuture<?> deadline;
    /** A message began in the read being handled and no message has been decoded since. */
    private boolean started;

    public MessageDeadline(String listener, Duration timeout) {
        this.listener = listener;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Goes before the decoder. */
    public ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (deadline != null || !(msg instanceof ByteBuf buf) || onlyLineEnds(buf)) {
                    ctx.fireChannelRead(msg);
                    return;
                }
                // A message starts here. Most arrive whole in one read and are decoded within this call, so
                // the clock is only started when the read ends with the message still unfinished: a timer
                // scheduled and cancelled for every message costs the event loop more than the rest of the check.
                started = true;
                ctx.fireChannelRead(msg);
                if (started && deadline == null && ctx.channel().isActive()) {
                    deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    /** Goes after the decoder. */
    public ChannelHandler messages() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                started = false;
                cancel();
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** CRLF keep-alives between SIP messages (RFC 5626) are not the start of a message. */
    private static boolean onlyLineEnds(ByteBuf buf) {
        return buf.forEachByte(b -> b == '\r' || b == '\n') < 0;
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (ctx.channel().isActive()) {
            log.info("{} connection {} closed: a message did not complete within {} ms", listener,
                    ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            ctx.close();
        }
    }
}
