package io.voxcpm.share;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real clock, and one daemon timer thread shared by every engine of the JVM. */
final class SystemSlotTimer implements SlotTimer {

    static final SystemSlotTimer INSTANCE = new SystemSlotTimer();

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "engine-slot-wait");
        t.setDaemon(true);
        return t;
    });

    private SystemSlotTimer() {
        timer.setRemoveOnCancelPolicy(true); // a wait that ended early leaves nothing queued
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Runnable schedule(Runnable task, long delayNanos) {
        var future = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
