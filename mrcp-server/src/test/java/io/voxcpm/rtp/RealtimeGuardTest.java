package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * When a real-time clock loop is lowered and raised again: on virtual time (each check is told the time, and
 * the loop's busy time is written into its counters), first against a recording mover, then against the kernel
 * where this process may use the real-time class.
 */
class RealtimeGuardTest {

    private static final long CHECK = TimeUnit.MILLISECONDS.toNanos(RealtimeGuard.CHECK_MS);

    private final LoopCounters counters = new LoopCounters();
    private final List<String> moves = new ArrayList<>();
    private String answer;
    private final RealtimeGuard.Mover recording = new RealtimeGuard.Mover() {
        @Override
        public String lower(String tid) {
            moves.add("lower " + tid);
            return answer;
        }

        @Override
        public String raise(String tid) {
            moves.add("raise " + tid);
            return answer;
        }
    };

    @Test
    void aLoopBusyMoreThanNinetyPercentOfACheckIsLoweredAndRaisedAfterTwelveCalmChecksInARow() {
        RealtimeGuard guard = guard(recording);
        assertThat(checksAt(guard, 0.95)).containsExactly("lower 7");
        assertThat(checksAt(guard, 0.5, 0.5, 0.7)).as("a busy check starts the calm count again").isEmpty();
        assertThat(checksAt(guard, calm(11))).isEmpty();
        assertThat(checksAt(guard, 0.3)).containsExactly("raise 7");
        assertThat(checksAt(guard, 0.5, 0.89)).as("back in real time, busy but keeping up").isEmpty();
        assertThat(checksAt(guard, 0.91)).containsExactly("lower 7");
    }

    @Test
    void aMoveTheKernelRefusesIsTriedOnceNotEverySecond() {
        answer = "chrt: failed to set pid 7's policy: Operation not permitted";
        RealtimeGuard guard = guard(recording);
        assertThat(checksAt(guard, 0.95)).containsExactly("lower 7");
        assertThat(checksAt(guard, 0.99, 0.99, 0.1, 0.1, 0.1, 0.99)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theKernelsSchedulerTakesTheLoopToNiceMinusTwentyAndBackToSchedFifo() throws Exception {
        assumeTrue(RealtimeProbe.permitted(), "this process may not use SCHED_FIFO here");
        try (MediaClock clock = new MediaClock(1, true)) {
            assertThat(clock.raiseToRealtime(4)).isNull();
            String tid = clock.nextLoop().submit(RealtimeScheduling::currentThreadId).get(10, TimeUnit.SECONDS);
            RealtimeGuard guard = new RealtimeGuard(4, List.of(new RealtimeGuard.Loop("rtp-clock-test", tid, counters)),
                    0, RealtimeGuard.kernel(4));
            clock.nextLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);

            checksAt(guard, 0.95);
            int[] lowered = RealtimeScheduling.policyOf(tid);
            assertThat(lowered[0]).isEqualTo(RealtimeScheduling.SCHED_OTHER);
            assertThat(lowered[2]).isEqualTo(RealtimeGuard.OVERLOADED_NICE);

            checksAt(guard, calm(RealtimeGuard.CALM_CHECKS));
            int[] raised = RealtimeScheduling.policyOf(tid);
            assertThat(raised[0]).isEqualTo(RealtimeScheduling.SCHED_FIFO);
            assertThat(raised[1]).isEqualTo(4);
        }
    }

    private RealtimeGuard guard(RealtimeGuard.Mover mover) {
        return new RealtimeGuard(10, List.of(new RealtimeGuard.Loop("rtp-clock-test", "7", counters)), 0, mover);
    }

    private long now;

    /** Checks a check period apart on virtual time, the loop busy this fraction of each; the moves they made. */
    private List<String> checksAt(RealtimeGuard guard, double... busy) {
        moves.clear();
        for (double fraction : busy) {
            counters.busy((long) (fraction * CHECK));
            now += CHECK;
            guard.check(now);
        }
        return List.copyOf(moves);
    }

    private static double[] calm(int checks) {
        double[] busy = new double[checks];
        java.util.Arrays.fill(busy, 0.2);
        return busy;
    }
}
