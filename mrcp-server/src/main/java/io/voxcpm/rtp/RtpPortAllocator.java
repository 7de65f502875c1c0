package io.voxcpm.rtp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;

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
     * Binds a datagram socket at the next free port and connects it to {@code remote}, on the caller's thread
     * (two system calls), then hands the channel to {@code loop} without waiting for it: an INVITE's answer
     * needs only the port, and the loop is the busy media clock, whose queue may be a tick long. Nothing is
     * written before the registration has run, because the stream's first tick is queued on that loop after it.
     *
     * @param epoll whether {@code loop} is an epoll loop (else NIO)
     * @throws IllegalArgumentException when the bound socket cannot be connected to {@code remote}
     */
    DatagramChannel bind(EventLoop loop, boolean epoll, ChannelHandler handler, InetSocketAddress remote)
            throws RtpPortsExhaustedException {
        IOException lastFailure = null;
        int busyElsewhere = 0;
        for (int attempt = 0; attempt < slots; attempt++) {
            int slot = reserve();
            if (slot < 0) {
                break;
            }
            InetSocketAddress local = new InetSocketAddress(bindAddress, minPort + 2 * slot);
            BoundSocket socket;
            try {
                socket = epoll ? new EpollSocket(local, ipv4(remote)) : new NioSocket(local);
            } catch (IOException e) { // taken by another process, or not bindable on this address
                release(slot);
                busyElsewhere++;
                lastFailure = e;
                continue;
            }
            DatagramChannel channel;
            try {
                channel = socket.connect(remote);
            } catch (IOException | RuntimeException e) {
                socket.close();
                release(slot);
                throw new IllegalArgumentException("cannot send RTP to " + remote + ": " + e, e);
            }
            channel.config().setAutoRead(false);
            channel.pipeline().addLast(handler);
            loop.register(channel); // sets the channel's loop now; the registration itself runs there
            channel.closeFuture().addListener(f -> release(slot));
            return channel;
        }
        throw new RtpPortsExhaustedException("no free RTP port in " + minPort + "-" + (minPort + 2 * slots - 1)
                + " on " + bindAddress.getHostAddress() + ": " + inUse() + " in use by this server, "
                + busyElsewhere + " failed to bind" + (lastFailure == null ? "" : " (" + lastFailure + ")"),
                lastFailure);
    }

    /**
     * An IPv4 socket where both ends are IPv4: a dual-stack socket sends through the IPv6 layer first
     * ({@code udpv6_sendmsg}, 2 % of the clock thread in a perf profile at 1,500 streams) for nothing.
     */
    private boolean ipv4(InetSocketAddress remote) {
        return bindAddress instanceof Inet4Address && remote.getAddress() instanceof Inet4Address;
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

    /** A socket bound on the caller's thread, to be connected and wrapped in a channel of the loop's transport. */
    private interface BoundSocket {
        DatagramChannel connect(InetSocketAddress remote) throws IOException;

        void close();
    }

    private static final class EpollSocket implements BoundSocket {
        private final Socket socket;

        /** {@code ipv4}: an AF_INET socket, else the family choice of EpollDatagramChannel's (IPv6 if it can). */
        EpollSocket(InetSocketAddress local, boolean ipv4) throws IOException {
            socket = ipv4 ? LinuxSocket.newSocketDgram(SocketProtocolFamily.INET) : Socket.newSocketDgram();
            try {
                socket.bind(local);
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        @Override
        public DatagramChannel connect(InetSocketAddress remote) throws IOException {
            socket.connect(remote);
            return new EpollDatagramChannel(socket.intValue()); // takes the descriptor, bound and connected
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
        }
    }

    private static final class NioSocket implements BoundSocket {
        private final java.nio.channels.DatagramChannel socket = java.nio.channels.DatagramChannel.open();

        NioSocket(InetSocketAddress local) throws IOException {
            try {
                socket.bind(local);
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        @Override
        public DatagramChannel connect(InetSocketAddress remote) throws IOException {
            socket.connect(remote);
            return new NioDatagramChannel(socket);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
        }
    }
}
