package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The kernel's list of a thread's cores read back, and a thread kept off a core, with the real taskset. */
@EnabledOnOs(OS.LINUX)
class CpuAffinityTest {

    @Test
    void aCpuListNamesEveryCoreOfItsRangesInOrder() {
        assertThat(CpuAffinity.parse("0-3,8,10-11")).containsExactly(0, 1, 2, 3, 8, 10, 11);
        assertThat(CpuAffinity.parse("5")).containsExactly(5);
        assertThat(CpuAffinity.parse("2,0-1")).containsExactly(0, 1, 2);
    }

    @Test
    void aThreadKeptOffACoreRunsOnTheOthersAndOneWithNothingElseLeftIsLeftAlone() throws Exception {
        List<Integer> all = CpuAffinity.allowedCpus();
        assertThat(all).as("this thread's cores").isNotEmpty();
        int last = all.get(all.size() - 1);
        List<Integer> after = onAFreshThread(() -> {
            assertThat(CpuAffinity.keepCurrentThreadOff(Set.of(last))).isNull();
            return CpuAffinity.allowedCpus();
        });
        if (all.size() > 1) {
            assertThat(after).doesNotContain(last).containsAll(all.subList(0, all.size() - 1));
        } else {
            assertThat(after).as("the only core is never taken away").containsExactly(last);
        }
        List<Integer> untouched = onAFreshThread(() -> {
            assertThat(CpuAffinity.keepCurrentThreadOff(Set.copyOf(all))).isNull();
            return CpuAffinity.allowedCpus();
        });
        assertThat(untouched).as("keeping off every core would leave none: nothing done").isEqualTo(all);
    }

    private static <T> T onAFreshThread(java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        return result.get(20, TimeUnit.SECONDS);
    }
}
