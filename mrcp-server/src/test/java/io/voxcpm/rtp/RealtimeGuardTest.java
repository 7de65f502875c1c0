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
 * When a real-time clock loop is lowered and raised again: on virtual seconds (each check is told the time, and
 * the loop's busy time is written into its counters), first against a recording mover, then against the kernel
 * where this process may use the real-time class.
 */
class RealtimeGuardTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

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
    void aLoopBusyMoreThanNinetyPercentOfASecondIsLoweredAndRaisedAfterThreeCalmSecondsInARow() {
        RealtimeGuard guard = guard(recording);
        assertThat(secondsAt(guard, 0.95)).containsExactly("lower 7");
        assertThat(secondsAt(guard, 0.5, 0.5, 0.7, 0.3, 0.3)).as("a busy second starts the calm count again").isEmpty();
        assertThat(secondsAt(guard, 0.3)).containsExactly("raise 7");
        assertThat(secondsAt(guard, 0.5, 0.89)).as("back in real time, busy but keeping up").isEmpty();
        assertThat(secondsAt(guard, 0.91)).containsExactly("lower 7");
    }

    @Test
    void aMoveTheKernelRefusesIsTriedOnceNotEverySecond() {
        answer = "chrt: failed to set pid 7's policy: Operation not permitted";
        RealtimeGuard guard = guard(recording);
        assertThat(secondsAt(guard, 0.95)).containsExactly("lower 7");
        assertThat(secondsAt(guard, 0.99, 0.99, 0.1, 0.1, 0.1, 0.99)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theKernelsSchedulerTakesTheLoopToNiceMinusTwentyAndBackToSchedFifo() throws Exception {
        assumeTrue(MediaClockRealtimeTest.realtimePermitted(), "this process may not use SCHED_FIFO here");
        try (MediaClock clock = new MediaClock(1, true)) {
            assertThat(clock.raiseToRealtime(4)).isNull();
            String tid = clock.nextLoop().submit(RealtimeScheduling::currentThreadId).get(10, TimeUnit.SECONDS);
            RealtimeGuard guard = new RealtimeGuard(4, List.of(new RealtimeGuard.Loop("rtp-clock-test", tid, counters)),
                    0, RealtimeGuard.kernel(4));
            clock.nextLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);

            secondsAt(guard, 0.95);
            int[] lowered = RealtimeScheduling.policyOf(tid);
            assertThat(lowered[0]).isEqualTo(RealtimeScheduling.SCHED_OTHER);
            assertThat(lowered[2]).isEqualTo(RealtimeGuard.OVERLOADED_NICE);

            secondsAt(guard, 0.2, 0.2, 0.2);
            int[] raised = RealtimeScheduling.policyOf(tid);
            assertThat(raised[0]).isEqualTo(RealtimeScheduling.SCHED_FIFO);
            assertThat(raised[1]).isEqualTo(4);
        }
    }

    private RealtimeGuard guard(RealtimeGuard.Mover mover) {
        return new RealtimeGuard(10, List.of(new RealtimeGuard.Loop("rtp-clock-test", "7", counters)), 0, mover);
    }

    private long now;

    /** One check a virtual second, the loop busy this fraction of each; the moves they made. */
    private List<String> secondsAt(RealtimeGuard guard, double... busy) {
        moves.clear();
        for (double fraction : busy) {
            counters.busy((long) (fraction * SECOND));
            now += SECOND;
            guard.check(now);
        }
        return List.copyOf(moves);
    }
}
