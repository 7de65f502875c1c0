package io.voxcpm.rtp;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared pacing clock for outbound RTP: a few event loops, each running one fixed-rate timer per
 * packetization time in use; on every tick each stream registered on that timer sends its next packet.
 * RTP sockets are bound on the same loops, so a tick writes straight to the socket with no hand-off.
 *
 * <p>Why one timer per (loop, ptime) rather than one fine-grained tick: almost every stream uses 20 ms,
 * so they share one wake-up per 20 ms; a 10, 30 or 40 ms stream gets a timer of its own period and never
 * has to count sub-ticks or share a phase with another period. A ptime that no stream uses costs nothing
 * (its timer is cancelled when its last stream leaves).
 *
 * <p>Why {@code scheduleAtFixedRate} does not drift: in Netty 4.2 (checked in 4.2.18's
 * {@code ScheduledFutureTask.run}) a periodic task with a positive period is requeued with
 * {@code deadlineNanos += periodNanos}, i.e. from its previous deadline, not from the time it actually
 * ran; lateness of one tick is not carried into the next. After a stall (GC, overloaded host) the missed
 * ticks run back to back, so each stream sends its late packets in a short burst with their correct
 * timestamps, as a network jitter spike would deliver them. With the epoll transport the loop sleeps on a
 * timerfd with sub-millisecond precision; the NIO fallback rounds its select timeout up to whole
 * milliseconds, which delays individual ticks by under 1 ms but does not accumulate.
 */
public final class MediaClock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaClock.class);

    private final MultiThreadIoEventLoopGroup group;
    private final boolean epoll;
    private final Map<EventExecutor, Shard> shards = new IdentityHashMap<>();

    /** A clock with one loop per two cores (at least one, at most four). */
    public MediaClock() {
        this(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)));
    }

    public MediaClock(int loops) {
        this(loops, Epoll.isAvailable());
    }

    /** As {@link #MediaClock(int)}, its loops' threads made by {@code threads}. */
    public MediaClock(int loops, ThreadFactory threads) {
        this(loops, Epoll.isAvailable(), threads);
    }

    /** {@code epoll = false} forces the portable NIO transport (the fallback off Linux). */
    MediaClock(int loops, boolean epoll) {
        this(loops, epoll, new DefaultThreadFactory("rtp-clock", true));
    }

    private MediaClock(int loops, boolean epoll, ThreadFactory threads) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops: " + loops + " (expected: >= 1)");
        }
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.epoll = epoll;
        group = new MultiThreadIoEventLoopGroup(loops, threads, handlers);
        for (EventExecutor loop : group) {
            shards.put(loop, new Shard((EventLoop) loop));
        }
        if (epoll || !System.getProperty("os.name", "").startsWith("Linux")) {
            log.info("Media clock started: {} event loop(s), {} transport", loops, epoll ? "epoll" : "nio");
        } else {
            // On Linux NIO means the native library did not load (e.g. no build for this CPU in the jar):
            // pacing still works but each tick may be up to 1 ms late, so the operator should know.
            log.warn("Media clock started: {} event loop(s), nio transport on Linux (ticks rounded to whole ms);"
                    + " epoll {}", loops, Epoll.isAvailable() ? "not selected" : "unavailable: " + Epoll.unavailabilityCause());
        }
    }

    /** The loop a new stream and its socket should live on (round robin). */
    EventLoop nextLoop() {
        return group.next();
    }

    /** Whether the loops are epoll loops (Linux), else NIO: the transport a stream's socket must use. */
    boolean epoll() {
        return epoll;
    }

    /** Starts ticking {@code stream} every {@code ptimeMs} from the next tick of that period on {@code loop}. */
    void register(EventLoop loop, int ptimeMs, Paced stream) {
        Shard shard = shard(loop);
        // Always deferred, never run inline: a tick may be iterating the stream list right now.
        loop.execute(() -> shard.add(ptimeMs, stream));
    }

    void unregister(EventLoop loop, int ptimeMs, Paced stream) {
        Shard shard = shard(loop);
        if (!loop.isShuttingDown()) {
            loop.execute(() -> shard.remove(ptimeMs, stream));
        }
    }

    private Shard shard(EventLoop loop) {
        Shard shard = shards.get(loop);
        if (shard == null) {
            throw new IllegalArgumentException("event loop " + loop + " does not belong to this clock");
        }
        return shard;
    }

    /** The packet counters of {@code loop}, which only that loop's streams write. */
    LoopCounters counters(EventLoop loop) {
        return shard(loop).counters;
    }

    /** Packets sent, late and dropped since the clock started, summed over its loops (for metrics). */
    public RtpStats stats() {
        long sent = 0;
        long late = 0;
        long dropped = 0;
        for (Shard shard : shards.values()) {
            sent += shard.counters.sentCount();
            late += shard.counters.lateCount();
            dropped += shard.counters.droppedCount();
        }
        return new RtpStats(sent, late, dropped);
    }

    /** Stops every loop; streams still registered stop sending. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The timers of one event loop; touched only from that loop. */
    private static final class Shard {
        private final EventLoop loop;
        private final Map<Integer, Ticker> tickers = new HashMap<>();
        private final LoopCounters counters = new LoopCounters();

        Shard(EventLoop loop) {
            this.loop = loop;
        }

        void add(int ptimeMs, Paced stream) {
            tickers.computeIfAbsent(ptimeMs, p -> new Ticker(loop, p, counters)).streams.add(stream);
        }

        void remove(int ptimeMs, Paced stream) {
            Ticker ticker = tickers.get(ptimeMs);
            if (ticker != null && ticker.streams.remove(stream) && ticker.streams.isEmpty()) {
                ticker.future.cancel(false);
                tickers.remove(ptimeMs);
            }
        }
    }

    private static final class Ticker implements Runnable {
        final List<Paced> streams = new ArrayList<>();
        final ScheduledFuture<?> future;
        private final LoopCounters counters;
        private final long period;
        /** When the next run is due: Netty's fixed-rate deadline, first + n periods (see the class comment). */
        private long dueNanos;

        Ticker(EventLoop loop, int ptimeMs, LoopCounters counters) {
            this.counters = counters;
            this.period = TimeUnit.MILLISECONDS.toNanos(ptimeMs);
            this.dueNanos = System.nanoTime() + period;
            future = loop.scheduleAtFixedRate(this, period, period, TimeUnit.NANOSECONDS);
        }

        /** Failures caught here, for the rate of the log line. */
        private long failures;

        @Override
        public void run() {
            // the packets of a run more than half a ptime after its due time count as late
            boolean late = System.nanoTime() - dueNanos > period / 2;
            dueNanos += period;
            long sentBefore = late ? counters.sentCount() : 0;
            for (int i = 0, n = streams.size(); i < n; i++) {
                try {
                    streams.get(i).tick();
                } catch (Throwable t) {
                    // A throwing periodic task is cancelled by Netty: one bad stream, even one hitting an Error
                    // (a stack overflow, an assertion), must not silence the rest. Streams catch their own;
                    // this is the last line, logged at most once per 1024 failures.
                    if ((failures++ & 1023) == 0) {
                        log.error("RTP stream tick failed ({} so far)", failures, t);
                    }
                }
            }
            if (late) {
                counters.late(counters.sentCount() - sentBefore);
            }
        }
    }
}
