package io.voxcpm.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a client that does not read from growing server memory: reading from it stops while its responses
 * queue above the channel's high water mark (so it cannot send more requests to be answered), and the
 * connection is closed once the queue passes {@code maxBacklogBytes} (what the server pushes on its own,
 * such as events, can still pile up). First in the pipeline, next to the socket, where writes are bytes.
 */
public final class WriteBackpressure extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WriteBackpressure.class);

    private final String listener;
    private final long maxBacklogBytes;
    private boolean closing;

    public WriteBackpressure(String listener, long maxBacklogBytes) {
        this.listener = listener;
        this.maxBacklogBytes = maxBacklogBytes;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            ctx.read();
        }
        log.debug("{} connection {}: {} reading", listener, ctx.channel().remoteAddress(),
                writable ? "resumed" : "paused");
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new java.nio.channels.ClosedChannelException());
            return;
        }
        ChannelOutboundBuffer queued = ctx.channel().unsafe().outboundBuffer();
        if (queued != null && queued.totalPendingWriteBytes() > maxBacklogBytes) {
            closing = true;
            log.warn("{} connection {} closed: it does not read, {} bytes of responses queued (limit {})",
                    listener, ctx.channel().remoteAddress(), queued.totalPendingWriteBytes(), maxBacklogBytes);
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new java.nio.channels.ClosedChannelException());
            ctx.close();
            return;
        }
        ctx.write(msg, promise);
    }
}
