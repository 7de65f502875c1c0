package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.EventExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's serial lane: its tasks run one at a time, in the order they were handed in, each seeing what
 * the ones before it did, on whichever thread finds the lane free.
 *
 * <p>Why not simply the session's executor: that executor is shared by hundreds of sessions, so a request
 * queued on it waits behind every other session's work (planning, cache-key hashing, engine callbacks). A
 * request arriving on its MRCP connection's I/O thread instead runs there at once when the lane is free
 * ({@link #runHere}), and its response is written by the same thread with no hand-off: under a burst of
 * simultaneous SPEAKs the response no longer queues. Everything else ({@link #execute}) runs on the
 * executor, or inline when already on it. A lane task must stay short; heavy work goes to the executor
 * and comes back with {@link #execute}.
 */
final class Lane implements Executor {

    private static final Logger log = LoggerFactory.getLogger(Lane.class);

    private final EventExecutor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while some thread drains; its compare-and-set hands the lane (and what it holds) between threads. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Runnable drain = this::drain;

    Lane(EventExecutor executor) {
        this.executor = executor;
    }

    /** Runs {@code task} on this thread now if the lane is free; otherwise after the tasks ahead of it. */
    void runHere(Runnable task) {
        if (tasks.isEmpty() && draining.compareAndSet(false, true)) {
            // nothing ahead of it and the lane is ours: run it without the queue's round trip (the usual request)
            run(task);
            draining.set(false);
            if (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
                drain(); // handed in meanwhile by another thread, which found the lane busy
            }
            return;
        }
        tasks.add(task);
        if (draining.compareAndSet(false, true)) {
            drain();
        }
    }

    /** Runs {@code task} after the tasks ahead of it, on the executor (inline when already on it). */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (draining.compareAndSet(false, true)) {
            if (executor.inEventLoop()) {
                drain();
            } else {
                executor.execute(drain);
            }
        }
    }

    private void drain() {
        do {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                run(task);
            }
            draining.set(false);
            // a task added after the last poll but before the flag dropped found the lane busy: take it
        } while (!tasks.isEmpty() && draining.compareAndSet(false, true));
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) { // one failing task must not strand the ones behind it
            log.warn("synthesizer task failed: {}", e.toString(), e);
        }
    }
}
