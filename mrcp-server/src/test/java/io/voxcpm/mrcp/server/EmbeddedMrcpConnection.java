package io.voxcpm.mrcp.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link MrcpConnection} over Netty's {@link EmbeddedChannel}: what a resource sends is read back with
 * {@code readOutbound()} as message objects, and the channel's event loop runs on the given (mock) ticker,
 * so a resource that lives on that loop is tested on virtual time with no socket.
 */
public final class EmbeddedMrcpConnection {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 1544);

    private EmbeddedMrcpConnection() {
    }

    /** A connected channel whose event loop reads time from {@code ticker}. */
    public static EmbeddedChannel channel(Ticker ticker) {
        return new EmbeddedChannel(EmbeddedChannel.builder().ticker(ticker)) {
            @Override
            protected SocketAddress localAddress0() {
                return isActive() ? SERVER : null;
            }

            @Override
            protected SocketAddress remoteAddress0() {
                return isActive() ? CLIENT : null;
            }
        };
    }

    public static MrcpConnection over(EmbeddedChannel channel) {
        return new MrcpConnection(channel);
    }
}
