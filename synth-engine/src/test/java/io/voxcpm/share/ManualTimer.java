package io.voxcpm.share;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Virtual time for the wait for a slot: tasks run when the test advances the clock past them. */
final class ManualTimer implements SlotTimer {

    private long now;
    private final List<long[]> due = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Runnable schedule(Runnable task, long delayNanos) {
        long[] at = {now + delayNanos};
        due.add(at);
        tasks.add(task);
        return () -> {
            int i = due.indexOf(at);
            if (i >= 0) {
                due.remove(i);
                tasks.remove(i);
            }
        };
    }

    int scheduled() {
        return tasks.size();
    }

    void advanceMillis(long ms) {
        long end = now + TimeUnit.MILLISECONDS.toNanos(ms);
        while (true) {
            int next = -1;
            for (int i = 0; i < due.size(); i++) {
                if (due.get(i)[0] <= end && (next < 0 || due.get(i)[0] < due.get(next)[0])) {
                    next = i;
                }
            }
            if (next < 0) {
                break;
            }
            now = Math.max(now, due.remove(next)[0]);
            tasks.remove(next).run();
        }
        now = end;
    }
}
