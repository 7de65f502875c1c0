package io.voxcpm.rtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out even RTP ports from a range, leaving each odd port above for RTCP (RFC 3550 §11), and binds
 * a datagram channel on them. Ports bound by other processes are skipped; a port comes back when its
 * channel closes. The next search starts after the last port handed out, so a port just released is
 * not reused at once and late packets of an old session do not reach a new one.
 */
public final class RtpPortAllocator {

    public static final int DEFAULT_MIN_PORT = 5000;
    public static final int DEFAULT_MAX_PORT = 6000;

    private final InetAddress bindAddress;
    private final int minPort;
    private final int slots;
    private final BitSet taken;
    private int cursor;

    /** Ports {@value #DEFAULT_MIN_PORT}-{@value #DEFAULT_MAX_PORT} on the wildcard address. */
    public RtpPortAllocator() {
        this(new InetSocketAddress(0).getAddress(), DEFAULT_MIN_PORT, DEFAULT_MAX_PORT);
    }

    /**
     * Uses every even port {@code p} with {@code minPort <= p} and {@code p + 1 <= maxPort} (an odd
     * {@code minPort} is rounded up).
     */
    public RtpPortAllocator(InetAddress bindAddress, int minPort, int maxPort) {
        int first = minPort + (minPort & 1);
        if (minPort < 1 || maxPort > 65535 || first + 1 > maxPort) {
            throw new IllegalArgumentException("RTP port range " + minPort + "-" + maxPort
                    + " holds no even/odd port pair within 1-65535");
        }
        this.bindAddress = bindAddress;
        this.minPort = first;
        this.slots = (maxPort - first + 1) / 2;
        this.taken = new BitSet(slots);
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** How many ports this allocator has handed out and not yet got back. */
    public synchronized int inUse() {
        return taken.cardinality();
    }

    /**
     * Binds a channel of {@code channelClass} on {@code loop} at the next free port and connects it to
     * {@code remote}. The connect follows the bind on the loop itself, so the caller waits for one hop to
     * the loop per attempt, not two: an INVITE's answer waits for this, and the loop is the busy media clock.
     * Must not run on an event loop.
     *
     * @throws IllegalArgumentException when the bound channel cannot be connected to {@code remote}
     */
    DatagramChannel bind(EventLoop loop, Class<? extends DatagramChannel> channelClass, ChannelHandler handler,
                         InetSocketAddress remote) throws RtpPortsExhaustedException {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .handler(handler);
        Throwable lastFailure = null;
        int busyElsewhere = 0;
        for (int attempt = 0; attempt < slots; attempt++) {
            int slot = reserve();
            if (slot < 0) {
                break;
            }
            int port = minPort + 2 * slot;
            ChannelFuture bound = bootstrap.bind(bindAddress, port);
            CompletableFuture<ChannelFuture> connected = new CompletableFuture<>();
            // on the loop: a datagram connect completes inside the call, so one wake-up does both
            bound.addListener(f -> connected.complete(f.isSuccess() ? bound.channel().connect(remote) : null));
            ChannelFuture connect = connected.join();
            if (connect != null) {
                connect.awaitUninterruptibly();
                if (!connect.isSuccess()) {
                    bound.channel().close().awaitUninterruptibly();
                    release(slot);
                    throw new IllegalArgumentException("cannot send RTP to " + remote + ": " + connect.cause(),
                            connect.cause());
                }
                bound.channel().closeFuture().addListener(f -> release(slot));
                return (DatagramChannel) bound.channel();
            }
            release(slot);
            if (!(bound.cause() instanceof IOException)) {
                // Not a socket error (a pipeline or configuration bug): another port would fail the same way.
                throw new IllegalStateException("cannot set up an RTP channel", bound.cause());
            }
            busyElsewhere++;
            lastFailure = bound.cause();
        }
        throw new RtpPortsExhaustedException("no free RTP port in " + minPort + "-" + (minPort + 2 * slots - 1)
                + " on " + bindAddress.getHostAddress() + ": " + inUse() + " in use by this server, "
                + busyElsewhere + " failed to bind" + (lastFailure == null ? "" : " (" + lastFailure + ")"),
                lastFailure);
    }

    /** Takes the next free slot after the cursor, or -1 when all are taken. */
    private synchronized int reserve() {
        int slot = taken.nextClearBit(cursor);
        if (slot >= slots) {
            slot = taken.nextClearBit(0);
            if (slot >= slots) {
                return -1;
            }
        }
        taken.set(slot);
        cursor = slot + 1 == slots ? 0 : slot + 1;
        return slot;
    }

    private synchronized void release(int slot) {
        taken.clear(slot);
    }
}
