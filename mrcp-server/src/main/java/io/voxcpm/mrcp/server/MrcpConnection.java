package io.voxcpm.mrcp.server;

import io.netty.channel.Channel;
import io.voxcpm.net.PemTls;
import io.voxcpm.mrcp.message.MrcpMessage;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One accepted MRCP TCP connection, which may carry the messages of many channels. Thread-safe. */
public final class MrcpConnection {

    private static final Logger log = LoggerFactory.getLogger(MrcpConnection.class);

    private final Channel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    MrcpConnection(Channel channel) {
        this.channel = channel;
        // kept, because a closed channel no longer reports its addresses
        this.remote = (InetSocketAddress) channel.remoteAddress();
        this.local = (InetSocketAddress) channel.localAddress();
    }

    /** Short id for log lines. */
    public String id() {
        return channel.id().asShortText();
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /** Whether this connection speaks TLS (it arrived on a {@code TCP/TLS/MRCPv2} listener). */
    public boolean isTls() {
        return PemTls.isTls(channel);
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Writes and flushes a message; callable from any thread, messages keep the order of the calls. The
     * stage fails when the connection is closed or the write fails.
     */
    public CompletionStage<Void> send(MrcpMessage message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (channel.eventLoop().isShuttingDown()) {
            // the server is stopping: a late engine callback must not reach a dead event loop
            done.completeExceptionally(new ClosedChannelException());
            return done;
        }
        channel.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                log.debug("MRCP write to {} failed: {}", this, f.cause().toString());
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }

    /** Runs {@code listener} once the connection is closed (at once if it already is). */
    public void addCloseListener(Runnable listener) {
        channel.closeFuture().addListener(f -> {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("MRCP close listener of {} failed: {}", this, e.toString(), e);
            }
        });
    }

    public void close() {
        channel.close();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "mrcp[" + id() + " " + remote + "]";
    }
}
