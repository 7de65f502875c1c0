package io.voxcpm.rtp;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a real-time clock loop back to the fair scheduler while it cannot keep up, and raises it again once it
 * has room.
 *
 * <p>Why: a {@code SCHED_FIFO} thread that always has work holds its core (up to the kernel's real-time throttle,
 * 95 % of each second), and ordinary threads that wake on that core wait there until the balancer moves them. At
 * 3,000 calls on the 2-core machine the clock could not send every slot in time; in {@code SCHED_FIFO} one ZGC
 * safepoint stood 148 ms (its work: 0.03 ms) while the VM thread waited for a core, every Java thread stopped with
 * it, the clock included: jitter p99 50-53 ms and 430,000 late packets, against 9 ms and 233,000 with the clock at
 * nice -20 under the fair scheduler, which still favours it 28 to 1 over a normal thread but lets the others in.
 * So a loop that ran its slots more than {@value #OVERLOADED} of the last {@value #CHECK_MS} ms goes to nice
 * {@value #OVERLOADED_NICE} (with a whole second to decide, a 3,000-call run had already fallen behind in real time),
 * and back to real time after {@value #CALM_CHECKS} checks in a row (3 s) under {@value #ROOM}. Each check reads
 * one counter per loop, on a thread of its own.
 */
final class RealtimeGuard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealtimeGuard.class);

    static final double OVERLOADED = 0.9;
    static final double ROOM = 0.6;
    static final int CHECK_MS = 250;
    static final int CALM_CHECKS = 12;
    static final int OVERLOADED_NICE = -20;

    /** One clock loop: its thread's name and id, and the counters its slots add their running time to. */
    record Loop(String name, String tid, LoopCounters counters) {
    }

    /** What moves a thread between the classes: null when done, else why not. */
    interface Mover {
        String lower(String tid);

        String raise(String tid);
    }

    /** The kernel's scheduler, through chrt and renice. */
    static Mover kernel(int priority) {
        return new Mover() {
            @Override
            public String lower(String tid) {
                return RealtimeScheduling.lower(tid, OVERLOADED_NICE);
            }

            @Override
            public String raise(String tid) {
                return RealtimeScheduling.raise(tid, priority, "chrt");
            }
        };
    }

    private final int priority;
    private final Mover mover;
    private final List<State> loops = new ArrayList<>();
    private ScheduledExecutorService timer;

    RealtimeGuard(int priority, List<Loop> loops, long nowNanos, Mover mover) {
        this.priority = priority;
        this.mover = mover;
        for (Loop loop : loops) {
            this.loops.add(new State(loop, nowNanos));
        }
    }

    /** Checks every {@value #CHECK_MS} ms from now on. */
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("rtp-clock-guard", true));
        timer.scheduleAtFixedRate(() -> check(System.nanoTime()), CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** Looks at how busy each loop was since the last check, and moves those that crossed a line. */
    void check(long nowNanos) {
        for (State s : loops) {
            long busy = s.loop.counters().busyNanos();
            double fraction = nowNanos > s.lastNanos ? (busy - s.lastBusy) / (double) (nowNanos - s.lastNanos) : 0;
            s.lastBusy = busy;
            s.lastNanos = nowNanos;
            if (s.stuck) {
                continue;
            }
            if (s.realtime && fraction > OVERLOADED) {
                String why = mover.lower(s.loop.tid());
                if (why == null) {
                    s.realtime = false;
                    s.calm = 0;
                    log.warn("Media clock loop {} ran its slots {}% of the last {} ms: paced under the normal"
                            + " scheduler at nice {} while it cannot keep up, so the other threads keep a share of"
                            + " its core (more calls than this host paces in time)", s.loop.name(),
                            Math.round(fraction * 100), CHECK_MS, OVERLOADED_NICE);
                } else {
                    s.stuck = true;
                    log.warn("Media clock loop {} is overloaded and could not be lowered ({}); left as it is",
                            s.loop.name(), why);
                }
            } else if (!s.realtime) {
                s.calm = fraction < ROOM ? s.calm + 1 : 0;
                if (s.calm >= CALM_CHECKS) {
                    String why = mover.raise(s.loop.tid());
                    if (why == null) {
                        s.realtime = true;
                        log.info("Media clock loop {}: real-time scheduling again (SCHED_FIFO {}), {}% busy",
                                s.loop.name(), priority, Math.round(fraction * 100));
                    } else {
                        s.stuck = true;
                        log.warn("Media clock loop {} could not be raised again ({}); left at nice {}",
                                s.loop.name(), why, OVERLOADED_NICE);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static final class State {
        final Loop loop;
        boolean realtime = true;
        /** A move failed: nothing more is tried (it would fail, and say so, at every check). */
        boolean stuck;
        int calm;
        long lastBusy;
        long lastNanos;

        State(Loop loop, long nowNanos) {
            this.loop = loop;
            this.lastBusy = loop.counters().busyNanos();
            this.lastNanos = nowNanos;
        }
    }
}
