package io.voxcpm.rtp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one RTP stream's packets fared: each counted once, sent or dropped, and the socket's errors kept, all
 * on the clock's loop by bumping fields (nothing on the pacing loop allocates, locks or logs); then one line
 * when the stream closes, for a stream that lost anything.
 *
 * <p>It is also the socket's pipeline handler, because the socket's errors surface there (writes use the void
 * promise; epoll reads a pending ICMP error off the socket). Sharable only so that bind retries may reuse it:
 * a single channel of the session ever keeps it.
 */
@ChannelHandler.Sharable
final class PacketTally extends ChannelInboundHandlerAdapter {

    // The stream's logger, not this class's: the line is the stream's, where log configs and greps expect it.
    private static final Logger log = LoggerFactory.getLogger(RtpAudioChannel.class);
    private static final VarHandle DROPPED;
    private static final VarHandle SEND_FAILURES;
    private static final VarHandle ERRORS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DROPPED = lookup.findVarHandle(PacketTally.class, "dropped", long.class);
            SEND_FAILURES = lookup.findVarHandle(PacketTally.class, "sendFailures", long.class);
            ERRORS = lookup.findVarHandle(PacketTally.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String sessionId;
    private final InetSocketAddress remote;
    /** The clock loop's packet counters for metrics. */
    private final LoopCounters counters;

    // Written only on the clock's event loop, with opaque stores; read at close.
    private long dropped;
    private long sendFailures;
    /** The last failed send's error, for the line {@link #logLosses} logs. */
    private volatile IOException lastSendFailure;
    /** The socket's errors the pipeline reports (a pipeline write's, or one epoll read from the socket). */
    private long errors;
    private volatile Throwable lastError;

    PacketTally(String sessionId, InetSocketAddress remote, LoopCounters counters) {
        this.sessionId = sessionId;
        this.remote = remote;
        this.counters = counters;
    }

    /**
     * The one place a packet is counted, whichever way it went: sent, or dropped. It only bumps fields (the
     * loop's counters for metrics, this stream's drops for the line {@link #logLosses} logs).
     */
    void count(boolean sent) {
        if (sent) {
            counters.sent();
        } else {
            counters.dropped();
            DROPPED.setOpaque(this, dropped + 1);
        }
    }

    /** A send the socket refused (e.g. the peer's ICMP port unreachable); the packet is counted as well. */
    void sendFailed(IOException e) {
        SEND_FAILURES.setOpaque(this, sendFailures + 1);
        lastSendFailure = e;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ERRORS.setOpaque(this, errors + 1);
        if (lastError == null || lastError.getClass() != cause.getClass()) {
            lastError = cause;
        }
    }

    /**
     * Off the pacing loop, when the stream closes: one line, only for a stream that lost packets or saw its
     * socket fail (the peer's ICMP port unreachable); the pacing loop itself never logs.
     */
    void logLosses() {
        long lost = (long) DROPPED.getOpaque(this);
        long failed = (long) SEND_FAILURES.getOpaque(this) + (long) ERRORS.getOpaque(this);
        if (lost > 0 || failed > 0) {
            Throwable last = lastSendFailure != null ? lastSendFailure : lastError;
            log.warn("[{}] RTP to {}: {} packets dropped, {} socket errors{}", sessionId, remote, lost,
                    failed, last == null ? "" : " (last: " + last + ")");
        }
    }
}
