package io.voxcpm.mrcp.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.voxcpm.mrcp.message.MrcpDecodeError;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import io.voxcpm.net.PemTls;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: routes requests to resources by Channel-Identifier and
 * answers what no resource can (unknown channel, unreadable message, failing resource).
 */
final class MrcpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(MrcpConnectionHandler.class);

    private final MrcpChannelRegistry registry;
    private MrcpConnection connection;

    MrcpConnectionHandler(MrcpChannelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = new MrcpConnection(ctx.channel());
        registry.connectionOpened(connection);
        // Netty makes a channel's read-size predictor at its first read: here, at connection set-up, it is
        // not made in the middle of a burst of SPEAKs, where it was a noticeable share of the loop's time
        ctx.channel().unsafe().recvBufAllocHandle();
        log.debug("{} opened", connection);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("{} closed", connection);
        registry.connectionClosed(connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MrcpRequest request) {
            route(request);
        } else if (msg instanceof MrcpDecodeError error) {
            reject(ctx, error);
        } else if (msg instanceof MrcpMessage other) {
            // clients send only requests; answering a response or event would confuse them further
            log.info("{} {}: ignoring a client's {}", orDash(other.channelId()), connection, other);
        }
    }

    private void route(MrcpRequest request) {
        String channelId = request.channelId();
        if (registry.wouldExceedLimit(channelId, connection)) {
            log.warn("{} {}: {} {} refused 407: the connection already carries {} channels "
                    + "(mrcp.max-channels-per-connection)", channelId, connection, request.method(),
                    request.requestId(), registry.maxChannelsPerConnection());
            connection.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
            return;
        }
        MrcpResource resource = registry.route(channelId, connection);
        if (resource == null) {
            log.info("{} {}: {} {} for an unknown channel", channelId, connection, request.method(), request.requestId());
            connection.send(MrcpResponse.to(request, MrcpStatus.RESOURCE_NOT_ALLOCATED, RequestState.COMPLETE));
            return;
        }
        try {
            resource.onRequest(request, connection);
        } catch (Exception e) {
            log.warn("{} {}: {} {} failed in the resource, answering 407: {}", channelId, connection,
                    request.method(), request.requestId(), e.toString());
            log.debug("resource failure", e);
            connection.send(MrcpResponse.to(request, MrcpStatus.METHOD_FAILED, RequestState.COMPLETE));
        }
    }

    private void reject(ChannelHandlerContext ctx, MrcpDecodeError error) {
        if (!error.isAnswerable()) {
            log.info("{} {}: unreadable input ({}), closing", orDash(error.channelId()), connection, error.reason());
            ctx.close();
            return;
        }
        log.info("{} {}: request {} rejected with {}: {}", orDash(error.channelId()), connection, error.requestId(),
                error.statusCode(), error.reason());
        var written = ctx.writeAndFlush(error.toResponse());
        if (!error.canContinue()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String orDash(String channelId) {
        return channelId == null ? "-" : channelId;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            // nothing read for the shorter channel-less timeout: only a connection without channels goes
            if (!registry.carriesChannels(connection)) {
                log.info("{} carries no channel and sent nothing: closing", connection);
                ctx.close();
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // a long prompt sends no MRCP for minutes (unimrcp #343): idle alone is no reason to cut a live channel
            if (registry.carriesChannels(connection)) {
                log.debug("{} idle but carrying channels, kept open", connection);
            } else {
                log.info("{} idle, closing", connection);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} I/O error: {}", connection, cause.toString());
        } else if (PemTls.isPeerTlsFailure(cause)) {
            log.info("{} TLS failed, closing: {}", connection, cause.getMessage());
        } else {
            log.warn("{} pipeline error, closing: {}", connection, cause.toString(), cause);
        }
        ctx.close();
    }
}
