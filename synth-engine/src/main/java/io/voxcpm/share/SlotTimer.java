package io.voxcpm.share;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The clock and timer of the wait for an engine slot: a real one, or a manual one in tests. */
public interface SlotTimer {

    long nanoTime();

    /** Runs {@code task} after {@code delayNanos}; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayNanos);

    /** One daemon thread for every wait of the server: a timeout only moves a request, it never synthesises. */
    static SlotTimer system() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-slot-wait");
            t.setDaemon(true);
            return t;
        });
        return new SlotTimer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Runnable schedule(Runnable task, long delayNanos) {
                var future = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }
        };
    }
}
