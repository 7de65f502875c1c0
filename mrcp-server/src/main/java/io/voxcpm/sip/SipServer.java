package io.voxcpm.sip;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.voxcpm.net.ConnectionLimiter;
import io.voxcpm.net.MessageDeadline;
import io.voxcpm.net.PemTls;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.net.WriteBackpressure;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The SIP listener: UDP and TCP on the same port, one event loop for all SIP state (signalling is light; a
 * single loop keeps transactions and dialogs free of locks).
 */
public final class SipServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipServer.class);
    private static final int BIND_ATTEMPTS = 10;
    /** The largest UDP payload (65535 - 8 - 20); RFC 3261 §18.1.1 lets a request exceed the MTU. */
    static final int MAX_DATAGRAM = 65_507;
    /**
     * The UDP socket's receive buffer (the kernel caps it at net.core.rmem_max). Linux's default, 208 KiB, holds
     * about 90 INVITEs with their SDP (each datagram costs its size plus ~1 KiB of kernel overhead): when a PBX
     * sends hundreds at once and this loop is off the CPU for a few hundred milliseconds, the rest are dropped and
     * each costs its caller a retransmission, T1 = 500 ms and more, before the 200 OK.
     */
    static final int RECEIVE_BUFFER = 4 << 20;

    private final EventLoopGroup group;
    private final UserAgentServer uas;
    private final Channel udp;
    private final Channel tcp;
    /** null without SIP over TLS. */
    private final Channel tls;

    private SipServer(EventLoopGroup group, UserAgentServer uas, Channel udp, Channel tcp, Channel tls) {
        this.group = group;
        this.uas = uas;
        this.udp = udp;
        this.tcp = tcp;
        this.tls = tls;
    }

    /**
     * Binds UDP and TCP and starts answering. With port 0 both get the same free port.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public static SipServer start(SipConfig config, SipApplication app) throws InterruptedException {
        return start(config, app, null);
    }

    /**
     * As {@link #start(SipConfig, SipApplication)}, plus SIP over TLS on {@code tls.port()} when {@code tls}
     * is given: the same transaction layer and limits as SIP/TCP, behind a TLS handshake.
     */
    public static SipServer start(SipConfig config, SipApplication app, SipTls tls) throws InterruptedException {
        return start(config, app, tls, new DefaultThreadFactory("sip"));
    }

    /** As {@link #start(SipConfig, SipApplication, SipTls)}, its event loop's thread made by {@code threads}. */
    public static SipServer start(SipConfig config, SipApplication app, SipTls tls, ThreadFactory threads)
            throws InterruptedException {
        MessageReader.warmUp();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            UserAgentServer uas = new UserAgentServer(config, app, loop);
            ConnectionLimiter limiter = new ConnectionLimiter("SIP/TCP", config.tcpLimits().maxConnections(),
                    config.tcpLimits().maxPerAddress());
            for (int attempt = 1; ; attempt++) {
                Channel udp = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                        // Netty's default 2 KiB receive buffer cuts a larger INVITE short: take any datagram
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                        .handler(new DatagramHandler(uas))
                        .bind(config.bindAddress(), config.port()).sync().channel();
                int port = ((InetSocketAddress) udp.localAddress()).getPort();
                try {
                    Channel tcp = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                            .option(ChannelOption.SO_REUSEADDR, true)
                            .childOption(ChannelOption.TCP_NODELAY, true)
                            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                                    TcpLimits.LOW_WATER_MARK, TcpLimits.HIGH_WATER_MARK))
                            .childHandler(new StreamInitializer(uas, config, limiter))
                            .bind(config.bindAddress(), port).sync().channel();
                    Channel secure = null;
                    if (tls != null) {
                        try {
                            secure = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                                    .option(ChannelOption.SO_REUSEADDR, true)
                                    .childOption(ChannelOption.TCP_NODELAY, true)
                                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                                            TcpLimits.LOW_WATER_MARK, TcpLimits.HIGH_WATER_MARK))
                                    .childHandler(new StreamInitializer(uas, config, limiter, tls))
                                    .bind(config.bindAddress(), tls.port()).sync().channel();
                        } catch (Exception e) {
                            udp.close().sync();
                            tcp.close().sync();
                            throw new IllegalStateException("cannot bind SIP TLS port " + tls.port() + ": "
                                    + e.getMessage(), e);
                        }
                    }
                    log.info("SIP listening on {}:{} (UDP, TCP){}", config.bindAddress(), port,
                            secure == null ? "" : " and " + ((InetSocketAddress) secure.localAddress()).getPort()
                                    + " (TLS)");
                    return new SipServer(group, uas, udp, tcp, secure);
                } catch (IllegalStateException e) {
                    throw e;
                } catch (Exception e) {  // the ephemeral UDP port was taken on TCP: try another one
                    udp.close().sync();
                    if (config.port() != 0 || attempt >= BIND_ATTEMPTS) {
                        throw new IllegalStateException("cannot bind SIP TCP port " + port + ": " + e.getMessage(), e);
                    }
                }
            }
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The UDP socket's receive buffer as the kernel granted it (twice what was asked, capped by rmem_max). */
    int udpReceiveBufferBytes() {
        return udp.config().getOption(ChannelOption.SO_RCVBUF);
    }

    public int udpPort() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    public int tcpPort() {
        return ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    /** The SIP over TLS port, or -1 without TLS. */
    public int tlsPort() {
        return tls == null ? -1 : ((InetSocketAddress) tls.localAddress()).getPort();
    }

    /** Ends every open dialog ({@code SHUTDOWN}), closes the sockets and stops the event loop. */
    @Override
    public void close() {
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            udp.eventLoop().execute(() -> {
                uas.shutdown();
                done.complete(null);
            });
            done.get(5, TimeUnit.SECONDS);
            udp.close().sync();
            tcp.close().sync();
            if (tls != null) {
                tls.close().sync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("SIP shutdown incomplete: {}", e.toString());
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Open dialogs, read on the SIP loop (health and leak checks). */
    public int dialogCount() {
        try {
            return udp.eventLoop().submit(uas::dialogCount).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    /** For tests: state sizes, read on the SIP loop. */
    int[] stateSizes() throws Exception {
        return udp.eventLoop().submit(() -> new int[] {uas.transactionCount(), uas.dialogCount()}).get();
    }

    private static final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final UserAgentServer uas;

        DatagramHandler(UserAgentServer uas) {
            this.uas = uas;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            byte[] bytes = ByteBufUtil.getBytes(packet.content());
            if (isKeepAlive(bytes)) {
                return;
            }
            uas.receive(new Inbound(bytes, packet.sender(), (InetSocketAddress) ctx.channel().localAddress(),
                    ctx.channel(), false));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("SIP UDP error: {}", cause.toString());
        }

        private static boolean isKeepAlive(byte[] bytes) {
            for (byte b : bytes) {
                if (b != '\r' && b != '\n' && b != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class StreamInitializer extends ChannelInitializer<SocketChannel> {
        private final UserAgentServer uas;
        private final SipConfig config;
        private final ConnectionLimiter limiter;
        private final SipTls tls;

        StreamInitializer(UserAgentServer uas, SipConfig config, ConnectionLimiter limiter, SipTls tls) {
            this.uas = uas;
            this.config = config;
            this.limiter = limiter;
            this.tls = tls;
        }

        StreamInitializer(UserAgentServer uas, SipConfig config, ConnectionLimiter limiter) {
            this(uas, config, limiter, null);
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            MessageDeadline deadline = new MessageDeadline(tls == null ? "SIP/TCP" : "SIP/TLS",
                    config.tcpLimits().messageTimeout());
            ch.pipeline().addLast(limiter);
            if (tls != null) {
                ch.pipeline().addLast(tls.context().newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(
                    new WriteBackpressure("SIP/TCP", config.tcpLimits().maxWriteBacklogBytes()),
                    new IdleStateHandler(0, 0, config.tcpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                    deadline.bytes(), new SipStreamFramer(), deadline.messages(), new StreamHandler(uas));
        }
    }

    private static final class StreamHandler extends SimpleChannelInboundHandler<byte[]> {
        private final UserAgentServer uas;

        StreamHandler(UserAgentServer uas) {
            this.uas = uas;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, byte[] message) {
            uas.receive(new Inbound(message, (InetSocketAddress) ctx.channel().remoteAddress(),
                    (InetSocketAddress) ctx.channel().localAddress(), ctx.channel(), true));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                log.info("closing SIP TCP connection from {}: idle", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!ctx.channel().isActive()) {
                return;  // already closing: the decoder reports the same error again on the way out
            }
            if (PemTls.isPeerTlsFailure(cause)) {
                log.info("closing SIP TLS connection from {}: TLS failed: {}", ctx.channel().remoteAddress(),
                        cause.getMessage());
                ctx.close();
                return;
            }
            log.warn("closing SIP TCP connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
