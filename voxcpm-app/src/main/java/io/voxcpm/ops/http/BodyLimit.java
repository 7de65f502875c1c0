package io.voxcpm.ops.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Refuses, before the body is read, what the codec could not parse and a body its route does not accept:
 * 400/414/431 for a broken head, 413 for a declared Content-Length over the route's limit. Either is
 * answered in JSON and the connection closed, since the rest of the stream cannot be trusted.
 *
 * <p>The close lingers: a client is usually still sending the body when the refusal goes out, and closing a
 * socket with unread bytes makes the kernel send a reset, which can destroy the refusal in the client's receive
 * buffer before the client reads it (the JDK client then reports only "received no bytes"). So everything that
 * still arrives is read and dropped until the client closes, or for at most {@code lingerMillis}. Our side of
 * the stream ends with the refusal (after TLS's close_notify), so a client reading to the end is not kept waiting.
 */
final class BodyLimit extends ChannelInboundHandlerAdapter {

    /** The body limit of the request being read, for the dispatcher's check of a chunked body. */
    static final AttributeKey<Integer> LIMIT = AttributeKey.valueOf("voxcpm.http.bodyLimit");
    /** Set once a refusal was written: the connection only drains until it closes. */
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("voxcpm.http.refused");

    private final Routes routes;
    private final int defaultMax;
    private final long lingerMillis;
    private boolean discarding;

    BodyLimit(Routes routes, int defaultMax, long lingerMillis) {
        this.routes = routes;
        this.defaultMax = defaultMax;
        this.lingerMillis = lingerMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().hasAttr(REFUSED)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            discarding = false;
            HttpReply refusal = refusal(request);
            if (refusal != null) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal, lingerMillis);
                return;
            }
            Routes.Lookup lookup = routes.find(request.method().name(), new QueryStringDecoder(request.uri()).rawPath());
            int limit = lookup.route() == null ? defaultMax : lookup.route().bodyLimit(defaultMax);
            ctx.channel().attr(LIMIT).set(limit);
            if (HttpUtil.getContentLength(request, -1L) > limit) {
                discarding = true;
                ReferenceCountUtil.release(msg);
                refuse(ctx, HttpReply.error(413, "body_too_large", "the body of " + request.method() + " "
                        + lookup.route().pattern().source() + " may be at most " + limit + " bytes"), lingerMillis);
                return;
            }
        } else if (discarding && msg instanceof HttpContent) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static HttpReply refusal(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isSuccess()) {
            return null;
        }
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return HttpReply.error(414, "uri_too_long", "the request line is longer than "
                    + ManagementServer.MAX_INITIAL_LINE + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return HttpReply.error(431, "headers_too_large", "the request headers are too large");
        }
        return HttpReply.error(400, "bad_request", "malformed HTTP request: " + cause.getMessage());
    }

    static void refuse(ChannelHandlerContext ctx, HttpReply reply, long lingerMillis) {
        Channel channel = ctx.channel();
        channel.attr(REFUSED).set(Boolean.TRUE);
        DefaultFullHttpResponse response = RouteDispatcher.toResponse(HttpVersion.HTTP_1_1, reply);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> {
            if (!written.isSuccess()) {
                channel.close();
                return;
            }
            channel.eventLoop().schedule(() -> channel.close(), lingerMillis, TimeUnit.MILLISECONDS);
            if (channel instanceof DuplexChannel duplex) {
                SslHandler tls = channel.pipeline().get(SslHandler.class);
                if (tls == null) {
                    duplex.shutdownOutput();
                } else {
                    tls.closeOutbound().addListener(notified -> duplex.shutdownOutput());
                }
            }
        });
    }

    /** Netty's aggregator, answering an oversized chunked body in this server's JSON. */
    static final class Aggregator extends HttpObjectAggregator {

        private final int max;
        private final long lingerMillis;

        Aggregator(int max, long lingerMillis) {
            super(max);
            this.max = max;
            this.lingerMillis = lingerMillis;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // the aggregator releases the oversized message itself
            refuse(ctx, HttpReply.error(413, "body_too_large", "the body may be at most " + max + " bytes"),
                    lingerMillis);
        }
    }
}
