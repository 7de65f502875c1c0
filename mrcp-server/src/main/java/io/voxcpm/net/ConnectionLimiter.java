package io.voxcpm.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open connections of one listener, in all and per client IP: the first handler of every accepted
 * connection, shared by all of them. A connection over a cap is closed before anything else sees it.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final String listener;
    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    // counts change only inside the map's atomic merge/compute, so a count falling to zero and removed cannot race
    // another connection's increment of it (accepted connections are spread over several event loops)
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    /** @param listener names the listener in log lines, e.g. {@code MRCP} */
    public ConnectionLimiter(String listener, int maxConnections, int maxPerAddress) {
        this.listener = listener;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    public int openConnections() {
        return open.get();
    }

    /** Connections closed at once for being over a cap, since start. */
    public long refusedConnections() {
        return refused.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = addressOf(ctx);
        int total = open.incrementAndGet();
        int fromAddress = perAddress.merge(address, 1, Integer::sum);
        if (total > maxConnections || fromAddress > maxPerAddress) {
            // given back now, not when the close has run: a flood of refused connections, each waiting for its
            // close on a busy event loop, would otherwise hold places that accepted clients are then refused
            release(address);
            // one line per hundred refusals: a flood must not become a flood of log lines
            if (refused.getAndIncrement() % 100 == 0) {
                log.warn("{} connection from {} refused: {} open ({} from that address), limits {} and {} per address"
                        + " ({} refused so far)", listener, address.getHostAddress(),
                        total - 1, fromAddress - 1, maxConnections, maxPerAddress, refused.get());
            }
            ctx.channel().attr(Attributes.REFUSED).set(Boolean.TRUE);
            ctx.close();
            return;
        }
        ctx.channel().attr(Attributes.PEER).set(address);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(Attributes.REFUSED).get() != null) {
            return;  // released when refused; the rest of the pipeline never saw it active
        }
        InetAddress address = ctx.channel().attr(Attributes.PEER).get();
        if (address != null) {  // else never counted: it was never active
            release(address);
        }
        ctx.fireChannelInactive();
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    private static InetAddress addressOf(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
