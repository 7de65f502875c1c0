package io.voxcpm.share;

/** The clock and timer of the wait for an engine slot: a real one, or a manual one in tests. */
public interface SlotTimer {

    long nanoTime();

    /** Runs {@code task} after {@code delayNanos}; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayNanos);

    /** One daemon thread for every wait in the JVM: a timeout only moves a request, it never synthesises. */
    static SlotTimer system() {
        return SystemSlotTimer.INSTANCE;
    }
}
