package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lane's one promise: its tasks run one at a time, in the order handed in, whichever thread runs them. */
class LaneTest {

    @Test
    void aRequestRunsAtOnceOnTheCallersThreadWhenTheLaneIsFree() {
        EmbeddedChannel loop = new EmbeddedChannel();
        Lane lane = new Lane(loop.eventLoop());
        List<String> ran = new ArrayList<>();
        lane.runHere(() -> ran.add(Thread.currentThread().getName()));
        assertThat(ran).containsExactly(Thread.currentThread().getName());
        loop.finishAndReleaseAll();
    }

    @Test
    void tasksHandedInByARunningTaskRunAfterItInOrderAndAFailureStrandsNone() {
        EmbeddedChannel loop = new EmbeddedChannel();
        Lane lane = new Lane(loop.eventLoop());
        List<String> ran = new ArrayList<>();
        lane.runHere(() -> {
            lane.runHere(() -> ran.add("second"));
            lane.execute(() -> {
                ran.add("third");
                throw new IllegalStateException("fails as scripted");
            });
            lane.runHere(() -> ran.add("fourth"));
            ran.add("first");
        });
        loop.runPendingTasks();
        assertThat(ran).containsExactly("first", "second", "third", "fourth");
        lane.runHere(() -> ran.add("fifth"));
        assertThat(ran).endsWith("fifth");
        loop.finishAndReleaseAll();
    }

    @Test
    void aRequestFindingTheLaneBusyOnAnotherThreadRunsAfterWhatIsAheadOfIt() throws Exception {
        DefaultEventExecutor executor = new DefaultEventExecutor();
        try {
            Lane lane = new Lane(executor);
            List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            lane.execute(() -> {
                holding.countDown();
                await(release);
                ran.add("held");
            });
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            lane.runHere(() -> ran.add("request"));
            assertThat(ran).as("queued behind the busy lane, not run here").isEmpty();
            release.countDown();
            CountDownLatch done = new CountDownLatch(1);
            lane.execute(done::countDown);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("held", "request");
        } finally {
            executor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
