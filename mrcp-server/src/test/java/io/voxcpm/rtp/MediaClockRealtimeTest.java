package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The clock's loops in the real-time class where the process may put them there, and a clock that paces on,
 * saying why, where it may not ({@link RealtimeProbe}).
 */
@EnabledOnOs(OS.LINUX)
class MediaClockRealtimeTest {

    @Test
    void aClockRaisedToRealtimeRunsItsLoopInSchedFifoAtThatPriorityWhereTheProcessMay() throws Exception {
        boolean permitted = RealtimeProbe.permitted();
        try (MediaClock clock = new MediaClock(1, true)) {
            String why = clock.raiseToRealtime(3);
            int[] policy = policyOf(clock.nextLoop());
            if (permitted) {
                assertThat(why).isNull();
                assertThat(policy[0]).isEqualTo(RealtimeScheduling.SCHED_FIFO);
                assertThat(policy[1]).isEqualTo(3);
                List<Integer> cores = CpuAffinity.allowedCpus();
                if (cores.size() > 1) {
                    int last = cores.get(cores.size() - 1);
                    assertThat(clock.reservedCpus()).as("the loop has the last core to itself").containsExactly(last);
                    assertThat(clock.nextLoop().submit(CpuAffinity::allowedCpus).get(10, TimeUnit.SECONDS))
                            .containsExactly(last);
                }
                assertThat(clock.vmThreadPriority()).isEqualTo(2);
                int[] vm = RealtimeScheduling.policyOf(RealtimeScheduling.threadNamed(RealtimeScheduling.VM_THREAD));
                assertThat(vm[0]).as("the JVM's VM thread, which runs safepoints").isEqualTo(RealtimeScheduling.SCHED_FIFO);
                assertThat(vm[1]).as("one below the clock").isEqualTo(2);
            } else {
                assertThat(why).contains("not permitted");
                assertThat(policy[0]).isZero();
                assertThat(clock.reservedCpus()).as("nothing pinned for a clock that is not real-time").isEmpty();
                assertThat(clock.vmThreadPriority()).isZero();
            }
            assertPaces(clock);
        }
    }

    @Test
    void withoutChrtTheLoopStaysInTheNormalClassAndTheReasonSaysWhy() throws Exception {
        try (MediaClock clock = new MediaClock(1, true)) {
            String why = clock.nextLoop().submit(() -> RealtimeScheduling.raise(
                    RealtimeScheduling.currentThreadId(), 3, "/nonexistent/chrt")).get(10, TimeUnit.SECONDS);
            assertThat(why).startsWith("chrt (util-linux) could not be run").contains("/nonexistent/chrt");
            assertThat(policyOf(clock.nextLoop())[0]).isZero();
            assertPaces(clock);
        }
    }

    @Test
    void aPriorityOutsideOneToNinetyNineIsRefusedBeforeAnyLoopIsTouched() {
        try (MediaClock clock = new MediaClock(1, true)) {
            assertThatThrownBy(() -> clock.raiseToRealtime(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1-99");
            assertThatThrownBy(() -> clock.raiseToRealtime(100)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aThreadIsFoundByItsKernelName() throws Exception {
        CountDownLatch named = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        String[] tid = new String[1];
        Thread t = new Thread(() -> {
            tid[0] = RealtimeScheduling.currentThreadId();
            named.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rtp-name-probe");
        t.start();
        try {
            assertThat(named.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(RealtimeScheduling.threadNamed("rtp-name-probe")).isEqualTo(tid[0]);
            assertThat(RealtimeScheduling.threadNamed(RealtimeScheduling.VM_THREAD)).as("HotSpot's").isNotNull();
            assertThat(RealtimeScheduling.threadNamed("no-such-thread")).isNull();
        } finally {
            done.countDown();
            t.join();
        }
    }

    @Test
    void aThreadThatWasNeverRaisedReadsAsTheNormalClass() throws Exception {
        int[] policy = RealtimeScheduling.policyOf(RealtimeScheduling.currentThreadId());
        assertThat(policy[0]).isEqualTo(RealtimeScheduling.SCHED_OTHER);
        assertThat(policy[1]).isZero();
    }

    private static int[] policyOf(EventLoop loop) throws Exception {
        return loop.submit(() -> RealtimeScheduling.policyOf(RealtimeScheduling.currentThreadId()))
                .get(10, TimeUnit.SECONDS);
    }

    private static void assertPaces(MediaClock clock) throws InterruptedException {
        CountDownLatch ticks = new CountDownLatch(5);
        EventLoop loop = clock.nextLoop();
        Paced stream = slot -> {
            ticks.countDown();
            return true;
        };
        clock.register(loop, 20, stream);
        assertThat(ticks.await(10, TimeUnit.SECONDS)).as("the clock ticks its stream").isTrue();
        clock.unregister(loop, 20, stream);
    }
}
