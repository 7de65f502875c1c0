package io.voxcpm.rtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * RTP packet counters of one media-clock event loop. Only that loop writes them (plain increments made
 * visible with opaque stores: no lock, no allocation, no fence on the pacing loop); a scrape reads them from
 * any thread.
 */
final class LoopCounters {

    private static final VarHandle SENT;
    private static final VarHandle LATE;
    private static final VarHandle DROPPED;
    private static final VarHandle BUSY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SENT = lookup.findVarHandle(LoopCounters.class, "sent", long.class);
            LATE = lookup.findVarHandle(LoopCounters.class, "late", long.class);
            DROPPED = lookup.findVarHandle(LoopCounters.class, "dropped", long.class);
            BUSY = lookup.findVarHandle(LoopCounters.class, "busy", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long sent;
    private long late;
    private long dropped;
    /** Nanoseconds the loop spent running its slots: how much of its core the pacing takes. */
    private long busy;

    void sent() {
        SENT.setOpaque(this, sent + 1);
    }

    void late(long packets) {
        LATE.setOpaque(this, late + packets);
    }

    void dropped() {
        DROPPED.setOpaque(this, dropped + 1);
    }

    void busy(long nanos) {
        BUSY.setOpaque(this, busy + nanos);
    }

    long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    long sentCount() {
        return (long) SENT.getOpaque(this);
    }

    long lateCount() {
        return (long) LATE.getOpaque(this);
    }

    long droppedCount() {
        return (long) DROPPED.getOpaque(this);
    }
}
