package io.voxcpm.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The limiter on EmbeddedChannels. A server's close of a refused connection runs later on its event loop (on a
 * loaded server, much later); here each close is held back until the test lets it through, which makes that
 * window as wide as the test needs.
 */
class ConnectionLimiterTest {

    /** What the rest of the pipeline saw. */
    private final List<String> seen = new ArrayList<>();
    /** Closes asked for and not yet run. */
    private final List<Runnable> heldCloses = new ArrayList<>();

    private EmbeddedChannel connect(ConnectionLimiter limiter, String ip) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(ip), 40000);
        EmbeddedChannel channel = new EmbeddedChannel(false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                heldCloses.add(() -> ctx.close(promise));
            }
        }, limiter, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                seen.add("active " + ip);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                seen.add("inactive " + ip);
            }
        });
        channel.register();
        return channel;
    }

    private void runHeldCloses() {
        List<Runnable> closes = new ArrayList<>(heldCloses);
        heldCloses.clear();
        closes.forEach(Runnable::run);
    }

    @Test
    void aConnectionRefusedPerAddressGivesBackItsGlobalPlaceBeforeItsCloseHasRun() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter("test", 3, 1);
        connect(limiter, "10.0.0.1");
        EmbeddedChannel refused = connect(limiter, "10.0.0.1");
        assertThat(heldCloses).as("the second from one address is closed").hasSize(1);
        assertThat(limiter.openConnections()).as("the refused one holds no place").isEqualTo(1);
        connect(limiter, "10.0.0.2");
        connect(limiter, "10.0.0.3");
        assertThat(heldCloses).as("second and third in all get in while the refused close waits").hasSize(1);
        connect(limiter, "10.0.0.4");
        assertThat(heldCloses).as("fourth in all is refused").hasSize(2);

        runHeldCloses();
        assertThat(refused.isOpen()).isFalse();
        assertThat(limiter.openConnections()).as("a refused close, when it runs, counts nothing twice").isEqualTo(3);
        assertThat(limiter.refusedConnections()).isEqualTo(2);
        assertThat(seen).as("refused ones never reach the pipeline")
                .containsExactly("active 10.0.0.1", "active 10.0.0.2", "active 10.0.0.3");
    }

    @Test
    void aConnectionRefusedByTheGlobalCapGivesBackItsPlaceFromItsAddress() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter("test", 2, 2);
        EmbeddedChannel a1 = connect(limiter, "10.0.0.1");
        EmbeddedChannel b1 = connect(limiter, "10.0.0.2");
        connect(limiter, "10.0.0.1");
        assertThat(heldCloses).as("third in all is refused").hasSize(1);
        b1.close();
        runHeldCloses();
        connect(limiter, "10.0.0.1");
        assertThat(heldCloses).as("second from 10.0.0.1 is under both caps").isEmpty();
        assertThat(limiter.openConnections()).isEqualTo(2);
        a1.close();
        runHeldCloses();
        assertThat(limiter.openConnections()).isEqualTo(1);
        assertThat(seen).contains("inactive 10.0.0.2", "inactive 10.0.0.1");
    }
}
