package io.voxcpm.ops.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.voxcpm.net.ConnectionLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP/1.1 listener (metrics, health, admin): Netty's codec with the limits of
 * {@link HttpLimits}, one event loop thread for I/O and a few handler threads for the {@link Routes}.
 * Plain HTTP unless a TLS context is given. Every error it answers is JSON
 * ({@code {"error": ..., "message": ...}}).
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
    static final int MAX_INITIAL_LINE = 4096;
    /** How long a refused connection goes on draining what its client still sends (see {@link BodyLimit}). */
    static final long REFUSAL_LINGER_MILLIS = 2000;

    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final IoEventLoopGroup loop;
    private final EventExecutorGroup handlers;

    private ManagementServer(Channel serverChannel, ChannelGroup connections, IoEventLoopGroup loop,
                             EventExecutorGroup handlers) {
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.loop = loop;
        this.handlers = handlers;
    }

    /**
     * Listens on {@code bind} (port 0 picks a free one).
     *
     * @param tls null for plain HTTP
     * @throws IOException when the address cannot be bound (the message names it)
     */
    public static ManagementServer start(InetSocketAddress bind, HttpLimits limits, Routes routes, SslContext tls)
            throws IOException {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(routes, "routes");
        IoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("http", true),
                NioIoHandler.newFactory());
        EventExecutorGroup handlers = new DefaultEventExecutorGroup(limits.handlerThreads(),
                new DefaultThreadFactory("http-handler", true));
        ChannelGroup connections = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
        ConnectionLimiter limiter = new ConnectionLimiter("HTTP", limits.maxConnections(), limits.maxConnections());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast("limit", limiter);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        addHttp(ch.pipeline(), limits, routes, handlers);
                    }
                });
        ChannelFuture bound = bootstrap.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            handlers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            Throwable cause = bound.cause();
            throw new IOException("cannot listen for HTTP on " + bind.getAddress().getHostAddress() + ":"
                    + bind.getPort() + ": " + cause.getMessage(), cause);
        }
        Channel server = bound.channel();
        log.info("management HTTP{} listening on {}", tls == null ? "" : "S", server.localAddress());
        return new ManagementServer(server, connections, loop, handlers);
    }

    /** The HTTP part of a connection's pipeline; {@code handlers} null runs routes on the channel's loop (tests). */
    static void addHttp(ChannelPipeline p, HttpLimits limits, Routes routes, EventExecutorGroup handlers) {
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(limits.maxHeaderBytes())));
        p.addLast("body", new BodyLimit(routes, limits.maxBodyBytes(), REFUSAL_LINGER_MILLIS));
        p.addLast("aggregate", new BodyLimit.Aggregator(routes.largestBody(limits.maxBodyBytes()),
                REFUSAL_LINGER_MILLIS));
        p.addLast(handlers, "route", new RouteDispatcher(routes, limits.idleTimeout().toNanos()));
    }

    public int port() {
        return localAddress().getPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        // together, with a quiet period: a closed pipeline is torn down by tasks passed between the two
        var loopDone = loop.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS);
        var handlersDone = handlers.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS);
        loopDone.awaitUninterruptibly();
        handlersDone.awaitUninterruptibly();
    }
}
