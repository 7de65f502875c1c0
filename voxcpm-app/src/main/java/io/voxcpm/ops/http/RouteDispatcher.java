package io.voxcpm.ops.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the matching route's handler on a handler thread and writes its reply: 404 for an unknown path,
 * 405 with Allow for a known path and another method, 500 (logged, never the stack to the client) for a
 * handler that fails. Requests of one connection are answered in order.
 */
final class RouteDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(RouteDispatcher.class);

    private final Routes routes;
    private final long idleNanos;
    /** On the executor's ticker, the clock IdleStateHandler times the connection by. */
    private long lastAnsweredNanos;

    RouteDispatcher(Routes routes, long idleNanos) {
        this.routes = routes;
        this.idleNanos = idleNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastAnsweredNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpReply reply;
        try {
            reply = answer(ctx, request);
        } finally {
            lastAnsweredNanos = ctx.executor().ticker().nanoTime();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        DefaultFullHttpResponse response = toResponse(request.protocolVersion(), reply);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private HttpReply answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String method = request.method().name();
        Routes.Lookup lookup = routes.find(method, uri.rawPath());
        if (lookup.route() == null) {
            if (lookup.allowed().isEmpty()) {
                return HttpReply.error(404, "not_found", "nothing at " + uri.path());
            }
            return HttpReply.error(405, "method_not_allowed", method + " is not allowed on " + uri.path())
                    .withHeader("Allow", String.join(", ", lookup.allowed()));
        }
        Integer limit = ctx.channel().attr(BodyLimit.LIMIT).get();
        if (limit != null && request.content().readableBytes() > limit) {
            return HttpReply.error(413, "body_too_large", "the body of " + method + " "
                    + lookup.route().pattern().source() + " may be at most " + limit + " bytes");
        }
        // null off a socket (an EmbeddedChannel in handler tests)
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        HttpCall call = new HttpCall(request, uri, lookup.params(), remote);
        try {
            HttpReply reply = lookup.route().handler().handle(call);
            if (reply == null) {
                throw new IllegalStateException("the handler returned no reply");
            }
            return reply;
        } catch (HttpError e) {
            return e.reply();
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError) {
                throw (Error) e;
            }
            log.warn("HTTP {} {} failed: {}", method, uri.path(), e.toString());
            log.debug("HTTP handler failure", e);
            return HttpReply.error(500, "internal_error", method + " " + uri.path() + " failed: " + e.getMessage());
        }
    }

    static DefaultFullHttpResponse toResponse(HttpVersion version, HttpReply reply) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(version,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            response.headers().set(h.getKey(), h.getValue());
        }
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // the event may have waited behind a slow handler: idle means idle since the last answer too
            if (ctx.executor().ticker().nanoTime() - lastAnsweredNanos >= idleNanos) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("management HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
