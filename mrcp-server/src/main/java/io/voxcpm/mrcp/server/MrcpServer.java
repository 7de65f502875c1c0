package io.voxcpm.mrcp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.voxcpm.net.ConnectionLimiter;
import io.voxcpm.net.MessageDeadline;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.net.WriteBackpressure;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.message.MrcpEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MRCPv2 TCP listener (RFC 6787 §4.2). Each accepted connection gets its own decoder, the shared
 * encoder and a handler that routes requests through the {@link MrcpChannelRegistry}.
 */
public final class MrcpServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 1544;
    /** UniMRCP's server default. */
    public static final Duration DEFAULT_INACTIVITY_TIMEOUT = Duration.ofSeconds(600);
    /** A connection that carries no channel and sends nothing for this long is closed. */
    public static final Duration DEFAULT_IDLE_WITHOUT_CHANNEL = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(MrcpServer.class);

    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final IoEventLoopGroup ownedGroup;

    private MrcpServer(Channel serverChannel, ChannelGroup connections, IoEventLoopGroup ownedGroup) {
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.ownedGroup = ownedGroup;
    }

    public static Builder builder(MrcpChannelRegistry registry) {
        return new Builder(registry);
    }

    /** The bound port; useful when 0 was asked for. */
    public int port() {
        return localAddress().getPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Runs {@code task} once on each of the server's own event loops (starting them) and waits for it: for what a
     * loop's thread must do to itself, such as keeping off the media clock's cores. Nothing where the loops were
     * given to the builder (their owner sets them up).
     */
    public void runOnEachLoop(Runnable task) {
        if (ownedGroup == null) {
            return;
        }
        for (EventExecutor loop : ownedGroup) {
            loop.submit(task).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** Stops listening, closes every connection and, if the server made its own event loops, ends them. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    public static final class Builder {

        private final MrcpChannelRegistry registry;
        private InetSocketAddress bindAddress = new InetSocketAddress(DEFAULT_PORT);
        private Duration inactivityTimeout = DEFAULT_INACTIVITY_TIMEOUT;
        private int maxHeadBytes = MrcpDecoder.DEFAULT_MAX_HEAD_BYTES;
        private int maxLineBytes = MrcpDecoder.DEFAULT_MAX_LINE_BYTES;
        private int maxHeaders = MrcpDecoder.DEFAULT_MAX_HEADERS;
        private int maxBodyBytes = MrcpDecoder.DEFAULT_MAX_BODY_BYTES;
        private TcpLimits tcpLimits = TcpLimits.DEFAULTS;
        private Duration idleWithoutChannel = DEFAULT_IDLE_WITHOUT_CHANNEL;
        private IoEventLoopGroup group;
        private Class<? extends ServerChannel> channelType = NioServerSocketChannel.class;
        private SslContext tls;

        private Builder(MrcpChannelRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Address and port to listen on; port 0 picks a free one. Default: all addresses, 1544. */
        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address);
            return this;
        }

        /** Connections with neither reads nor writes for this long, and no live channel, are closed. */
        public Builder inactivityTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("inactivity timeout must be positive");
            }
            this.inactivityTimeout = timeout;
            return this;
        }

        /** Connection caps, the per-message deadline and the write backlog of a client that does not read. */
        public Builder tcpLimits(TcpLimits limits) {
            this.tcpLimits = Objects.requireNonNull(limits);
            return this;
        }

        /**
         * A connection that carries no channel (it never used one, or its sessions ended) and has sent
         * nothing for this long is closed; one with channels is kept for the inactivity timeout.
         */
        public Builder idleWithoutChannel(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive");
            }
            this.idleWithoutChannel = timeout;
            return this;
        }

        /** See {@link MrcpDecoder#MrcpDecoder(int, int, int, int)}. */
        public Builder decoderLimits(int maxHeadBytes, int maxLineBytes, int maxHeaders, int maxBodyBytes) {
            new MrcpDecoder(maxHeadBytes, maxLineBytes, maxHeaders, maxBodyBytes); // validates
            this.maxHeadBytes = maxHeadBytes;
            this.maxLineBytes = maxLineBytes;
            this.maxHeaders = maxHeaders;
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Event loops shared with the rest of the server, and the server channel type that fits them
         * (e.g. {@code NioServerSocketChannel} for NIO loops); they are not shut down by
         * {@link MrcpServer#close()}. Without them the server makes its own NIO loops, which is plenty for
         * control traffic.
         */
        public Builder eventLoopGroup(IoEventLoopGroup group, Class<? extends ServerChannel> channelType) {
            this.group = Objects.requireNonNull(group);
            this.channelType = Objects.requireNonNull(channelType);
            return this;
        }

        /**
         * Speak MRCPv2 over TLS ({@code TCP/TLS/MRCPv2}, RFC 6787 §4.2) on this listener: every connection
         * starts with a TLS handshake; a client that sends plain MRCP, or (with a client CA in the context)
         * presents no acceptable certificate, is closed without an MRCP answer.
         */
        public Builder tls(SslContext context) {
            this.tls = Objects.requireNonNull(context);
            return this;
        }

        /** Binds and starts accepting. */
        public MrcpServer start() throws IOException {
            IoEventLoopGroup owned = null;
            IoEventLoopGroup loops = group;
            if (loops == null) {
                owned = new MultiThreadIoEventLoopGroup(Math.min(4, Runtime.getRuntime().availableProcessors()),
                        NioIoHandler.newFactory());
                loops = owned;
            }
            ChannelGroup connections = new DefaultChannelGroup("mrcp", GlobalEventExecutor.INSTANCE);
            MrcpEncoder encoder = new MrcpEncoder();
            long idleMillis = inactivityTimeout.toMillis();
            long channellessMillis = Math.min(idleWithoutChannel.toMillis(), idleMillis);
            TcpLimits limits = tcpLimits;
            SslContext ssl = tls;
            String name = ssl == null ? "MRCP" : "MRCP/TLS";
            ConnectionLimiter limiter = new ConnectionLimiter(name, limits.maxConnections(), limits.maxPerAddress());
            ChannelFuture bound = new ServerBootstrap()
                    .group(loops)
                    .channel(channelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(TcpLimits.LOW_WATER_MARK, TcpLimits.HIGH_WATER_MARK))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            MessageDeadline deadline = new MessageDeadline(name, limits.messageTimeout());
                            ch.pipeline().addLast(limiter);
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(
                                    new WriteBackpressure("MRCP", limits.maxWriteBacklogBytes()),
                                    new IdleStateHandler(channellessMillis, 0, idleMillis, TimeUnit.MILLISECONDS),
                                    deadline.bytes(),
                                    new MrcpDecoder(maxHeadBytes, maxLineBytes, maxHeaders, maxBodyBytes),
                                    deadline.messages(),
                                    // one write(2) for the responses to all requests of one read (a PBX
                                    // shares a connection among its channels); writes outside a read flush at once
                                    new FlushConsolidationHandler(
                                            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false),
                                    encoder,
                                    new MrcpConnectionHandler(registry));
                        }
                    })
                    .bind(bindAddress)
                    .awaitUninterruptibly();
            if (!bound.isSuccess()) {
                if (owned != null) {
                    owned.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                }
                throw new IOException("cannot listen for " + name + " on " + bindAddress, bound.cause());
            }
            MrcpServer server = new MrcpServer(bound.channel(), connections, owned);
            log.info("MRCPv2{} listening on {}", ssl == null ? "" : " over TLS", server.localAddress());
            return server;
        }
    }
}
