package io.voxcpm.rtp;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared pacing clock for outbound RTP: a few event loops, each running one fixed-rate timer of
 * {@value #SLOT_MS} ms slots; each stream is given a phase, one slot of its ptime, and sends its next packet
 * on every slot of that phase (every ptime). RTP sockets are bound on the same loops, so a tick writes
 * straight to the socket with no hand-off.
 *
 * <p>Why slots and phases rather than one timer per ptime that ticks every stream at once: the sends of a
 * tick are system calls in a row, a few microseconds each on loopback, so with thousands of streams on one
 * tick the last packet leaves milliseconds after the first, by an amount that varies from tick to tick
 * with everything else the cores do. {@link PhaseWheel} has the measurement and the reasoning. A 1 ms slot
 * is the finest grid that still divides every whole-millisecond ptime (10, 20, 30, 40 ms streams share the
 * timer, each on a wheel of its own length); it costs one wake-up a millisecond per loop while any stream
 * is registered, and none when the loop has no stream (the timer is cancelled with its last stream).
 *
 * <p>Why {@code scheduleAtFixedRate} does not drift: in Netty 4.2 (checked in 4.2.18's
 * {@code ScheduledFutureTask.run}) a periodic task with a positive period is requeued with
 * {@code deadlineNanos += periodNanos}, i.e. from its previous deadline, not from the time it actually
 * ran; lateness of one slot is not carried into the next. After a stall (GC, overloaded host) the missed
 * slots run back to back, so each stream sends its late packets in a short burst with their correct
 * timestamps, as a network jitter spike would deliver them. With the epoll transport the loop sleeps on a
 * timerfd with sub-millisecond precision; the NIO fallback rounds its select timeout up to whole
 * milliseconds, which delays individual slots by under 1 ms but does not accumulate.
 */
public final class MediaClock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaClock.class);

    /** The clock's resolution: every phase starts on a slot, and every ptime is a whole number of slots. */
    static final int SLOT_MS = 1;
    private static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(SLOT_MS);

    private final MultiThreadIoEventLoopGroup group;
    private final boolean epoll;
    private final Map<EventExecutor, Shard> shards = new IdentityHashMap<>();
    private RealtimeGuard guard;
    private volatile Set<Integer> reservedCpus = Set.of();
    private volatile int vmThreadPriority;

    /**
     * A clock with one loop per two cores (at least one, at most four), or {@code -Dvoxcpm.rtp.clock-loops=N}
     * (for measurements: at 6-9 us a packet on the 2-core machine with two captures, 2,000 streams fill 65-90 %
     * of one loop's core and 3,000 more than all of it; a second loop spreads the sends over both cores).
     */
    public MediaClock() {
        this(Integer.getInteger("voxcpm.rtp.clock-loops",
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2))));
    }

    public MediaClock(int loops) {
        this(loops, Epoll.isAvailable());
    }

    /** As {@link #MediaClock(int)}, its loops' threads made by {@code threads}. */
    public MediaClock(int loops, ThreadFactory threads) {
        this(loops, Epoll.isAvailable(), threads);
    }

    /**
     * {@code epoll = false} forces the portable NIO transport (the fallback off Linux). The loops' threads ask
     * for the highest Java priority: a late slot is heard by every caller of it, a late SIP or MRCP message by
     * nobody. On Linux the JVM applies it (as nice -5) only with {@code -XX:ThreadPriorityPolicy=1} and the
     * right to lower a nice value (root or CAP_SYS_NICE), which the launcher asks for where the process has that
     * right; elsewhere it is ignored, harmlessly.
     */
    MediaClock(int loops, boolean epoll) {
        this(loops, epoll, new DefaultThreadFactory("rtp-clock", true, Thread.MAX_PRIORITY));
    }

    private MediaClock(int loops, boolean epoll, ThreadFactory threads) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops: " + loops + " (expected: >= 1)");
        }
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.epoll = epoll;
        group = new MultiThreadIoEventLoopGroup(loops, threads, handlers);
        long epoch = System.nanoTime();
        for (EventExecutor loop : group) {
            shards.put(loop, new Shard((EventLoop) loop, epoch));
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

    /**
     * Moves every loop's thread into the real-time class at {@code priority} (see {@link RealtimeScheduling}),
     * with a {@link RealtimeGuard} that lowers a loop while it cannot keep up; blocks until each loop has tried.
     * Returns null when all are there, else why not (those loops then pace under the normal scheduler).
     */
    public String raiseToRealtime(int priority) {
        RealtimeScheduling.checkPriority(priority);
        String why = null;
        List<RealtimeGuard.Loop> raised = new ArrayList<>();
        Set<Integer> pinned = new TreeSet<>();
        List<Integer> allowed = CpuAffinity.allowedCpus();
        int loops = shards.size();
        int index = 0;
        for (EventExecutor loop : group) {
            // one core of its own per loop, from the last, while one is left for everything else (CpuAffinity)
            Integer core = allowed.size() > loops ? allowed.get(allowed.size() - 1 - index) : null;
            index++;
            try {
                Raised r = loop.submit(() -> raiseCurrentThread(priority, core)).get(10, TimeUnit.SECONDS);
                if (r.failed() == null) {
                    raised.add(new RealtimeGuard.Loop(r.name(), r.tid(), shard((EventLoop) loop).counters));
                    if (r.pinned()) {
                        pinned.add(core);
                    }
                } else if (why == null) {
                    why = r.failed();
                }
            } catch (ExecutionException | TimeoutException e) {
                why = "the clock loop did not answer: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        reservedCpus = Set.copyOf(pinned);
        if (!raised.isEmpty()) {
            vmThreadPriority = RealtimeScheduling.raiseVmThread(priority);
            if (guard == null) {
                guard = new RealtimeGuard(priority, raised, System.nanoTime(), RealtimeGuard.kernel(priority));
                guard.start();
            }
        }
        return why;
    }

    /**
     * The {@code SCHED_FIFO} priority {@link #raiseToRealtime} gave the JVM's VM thread, which runs the safepoint
     * operations (one below the clock); 0 when it stays under the fair scheduler.
     */
    public int vmThreadPriority() {
        return vmThreadPriority;
    }

    /** What one loop's thread did to itself: its name and id, why it is not real-time (null if it is), pinned. */
    private record Raised(String name, String tid, String failed, boolean pinned) {
    }

    /** On a clock loop: into the real-time class, and onto {@code core} (null: no core to spare) if that worked. */
    private static Raised raiseCurrentThread(int priority, Integer core) {
        String tid = RealtimeScheduling.currentThreadId();
        String failed = tid == null ? "real-time scheduling needs Linux (no /proc/thread-self)"
                : RealtimeScheduling.raise(tid, priority, "chrt");
        boolean pinned = failed == null && core != null && CpuAffinity.pinCurrentThread(List.of(core)) == null;
        return new Raised(Thread.currentThread().getName(), tid, failed, pinned);
    }

    /**
     * The cores the real-time loops have to themselves ({@link #raiseToRealtime}); the MRCP loops keep off them
     * ({@link CpuAffinity#keepCurrentThreadOff}). Empty when nothing was pinned.
     */
    public Set<Integer> reservedCpus() {
        return reservedCpus;
    }

    /** The loop a new stream and its socket should live on (round robin). */
    EventLoop nextLoop() {
        return group.next();
    }

    /** Whether the loops are epoll loops (Linux), else NIO: the transport a stream's socket must use. */
    boolean epoll() {
        return epoll;
    }

    /**
     * Starts ticking {@code stream} every {@code ptimeMs} on {@code loop}, in the phase with the fewest streams
     * of that ptime (the soonest of those), from the next slot on.
     */
    void register(EventLoop loop, int ptimeMs, Paced stream) {
        if (ptimeMs < SLOT_MS || ptimeMs % SLOT_MS != 0) {
            throw new IllegalArgumentException("ptime " + ptimeMs + " ms is not a whole number of "
                    + SLOT_MS + " ms slots");
        }
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

    /**
     * From any thread: {@code stream} on {@code loop} began a talkspurt. It moves to the soonest phase with room
     * ({@link PhaseWheel#restart}) before its first packet, and a timer asleep for want of active streams
     * starts again.
     */
    void began(EventLoop loop, int ptimeMs, Paced stream) {
        shard(loop).began(ptimeMs, stream);
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
        if (guard != null) {
            guard.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * The slot timer of one event loop and its wheels, one per ptime in use; touched only from that loop.
     * Slots are numbered from the clock's epoch, so a timer restarted after an idle spell keeps the same
     * grid (and late detection its meaning).
     */
    static final class Shard implements Runnable {
        private final EventLoop loop;
        private final long epochNanos;
        private final Map<Integer, PhaseWheel> byPtime = new HashMap<>();
        /** The same wheels, iterated by index on every slot (no iterator). */
        private final List<PhaseWheel> wheels = new ArrayList<>();
        private final LoopCounters counters = new LoopCounters();
        private ScheduledFuture<?> timer;
        /** Slots in a row in which no stream was active: a whole cycle of every wheel stops the timer. */
        private int idleSlots;
        /** Set by the loop when it stops the timer for want of active streams; cleared by whoever restarts it. */
        private final AtomicBoolean sleeping = new AtomicBoolean();
        /** The slot last run (or, before the timer's first run, the one before it). */
        private long slot;
        /** When slot {@code slot + 1} is due: Netty's fixed-rate deadline (see the class comment). */
        private long dueNanos;

        Shard(EventLoop loop, long epochNanos) {
            this.loop = loop;
            this.epochNanos = epochNanos;
        }

        void add(int ptimeMs, Paced stream) {
            PhaseWheel wheel = byPtime.get(ptimeMs);
            if (wheel == null) {
                wheel = new PhaseWheel(ptimeMs / SLOT_MS);
                byPtime.put(ptimeMs, wheel);
                wheels.add(wheel);
            }
            if (timer == null) {
                start();
            }
            wheel.add(stream, slot + 1);
        }

        void remove(int ptimeMs, Paced stream) {
            PhaseWheel wheel = byPtime.get(ptimeMs);
            if (wheel == null || !wheel.remove(stream) || wheel.size() > 0) {
                return;
            }
            wheels.remove(wheel);
            byPtime.remove(ptimeMs);
            if (wheels.isEmpty() && timer != null) { // null: asleep already, for want of active streams
                // no stream left on this loop: no wake-ups until the next one comes
                timer.cancel(false);
                timer = null;
            }
        }

        /**
         * From any thread, after {@code stream} became active. A sleeping loop is woken to restart its timer;
         * an awake one finds the move among its tasks when its next slot wakes it, with no wake-up of its own
         * (a system call and a context switch per SPEAK, at thousands of SPEAKs a second). The stream's state
         * is written before this reads {@code sleeping}, and the loop sets {@code sleeping} before it looks at
         * every stream one last time: one of the two sees the other, so a lazily queued move is never stranded.
         */
        void began(int ptimeMs, Paced stream) {
            Runnable move = () -> moveToSoonest(ptimeMs, stream);
            if (sleeping.get() && sleeping.compareAndSet(true, false)) {
                loop.execute(move);
            } else if (loop instanceof AbstractEventExecutor executor) {
                executor.lazyExecute(move);
            } else {
                loop.execute(move);
            }
        }

        private void moveToSoonest(int ptimeMs, Paced stream) {
            PhaseWheel wheel = byPtime.get(ptimeMs);
            if (wheel == null) {
                return; // the stream left meanwhile
            }
            if (timer == null) {
                start(); // before the move: the slot numbers are stale while the timer sleeps
            }
            wheel.restart(stream, slot + 1);
        }

        /** First run on the next slot boundary of the epoch's grid, then one a slot. */
        private void start() {
            idleSlots = 0;
            sleeping.set(false); // a wake-up already queued finds the timer running and does nothing
            long now = System.nanoTime();
            long next = Math.floorDiv(now - epochNanos, SLOT_NANOS) + 1;
            slot = next - 1;
            dueNanos = epochNanos + next * SLOT_NANOS;
            timer = loop.scheduleAtFixedRate(this, dueNanos - now, SLOT_NANOS, TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            long began = System.nanoTime();
            long lateBy = began - dueNanos;
            dueNanos += SLOT_NANOS;
            slot++;
            boolean active = false;
            int longest = 0;
            for (int i = 0, n = wheels.size(); i < n; i++) {
                PhaseWheel wheel = wheels.get(i);
                longest = Math.max(longest, wheel.phases());
                // the packets of a slot run more than half a ptime after its due time count as late
                boolean late = lateBy > wheel.phases() * SLOT_NANOS / 2;
                long sentBefore = late ? counters.sentCount() : 0;
                active |= wheel.run(slot);
                if (late) {
                    counters.late(counters.sentCount() - sentBefore);
                }
            }
            counters.busy(System.nanoTime() - began);
            idleSlots = active ? 0 : idleSlots + 1;
            if (idleSlots > longest) {
                sleepUnlessActive();
            }
        }

        /**
         * Sessions set up and not speaking cost no wake-ups: a loop whose streams are all idle stops its timer
         * until one wakes it (a thousand wake-ups a second for nothing cost more CPU, on a busy 2-core host, than
         * the packets of a few hundred streams).
         */
        private void sleepUnlessActive() {
            sleeping.set(true);
            for (int i = 0, n = wheels.size(); i < n; i++) {
                if (wheels.get(i).anyActive()) {
                    sleeping.set(false); // a stream became active meanwhile; if it also woke us, that is a no-op
                    idleSlots = 0;
                    return;
                }
            }
            timer.cancel(false);
            timer = null;
        }
    }
}
