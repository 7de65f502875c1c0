package io.voxcpm.rtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moves a thread into Linux's real-time class ({@code SCHED_FIFO}) and back: such a thread runs the moment it
 * wakes, ahead of every ordinary thread, instead of taking turns with them under the fair scheduler.
 *
 * <p>Why the media clock wants it: under the fair scheduler a nice value weighs a thread's share of a core; it
 * does not make it run at once. On the 2-core machine, with the clock at nice -5, a slot's packets waited behind
 * the MRCP loops, the SIP thread and the load tool: jitter p99 2.5-21 ms at 1,000-2,000 calls and up to 87,000
 * late packets at 2,000. In {@code SCHED_FIFO} the same server kept jitter p99 at 0.3-2.1 ms to 1,000 calls and
 * sent no late packet at 2,000 (docs/performance.md). The clock's work is bounded by the sessions it paces and it
 * sleeps between slots; where it cannot keep up, {@link RealtimeGuard} hands it back to the fair scheduler. The
 * same choice as FreeSWITCH's {@code -rp} and Asterisk's {@code -p}.
 *
 * <p>Java has no call for it, so util-linux's {@code chrt} (and {@code renice}) do it on the thread's id, which
 * the thread reads from {@code /proc/thread-self}: when the clock starts, and when the guard moves a loop, never
 * on a tick.
 */
final class RealtimeScheduling {

    /** {@code SCHED_OTHER} and {@code SCHED_FIFO} in {@code /proc/.../stat}'s policy field. */
    static final int SCHED_OTHER = 0;
    static final int SCHED_FIFO = 1;
    static final int MAX_PRIORITY = 99;
    /** HotSpot's name for the thread that runs safepoint operations. */
    static final String VM_THREAD = "VM Thread";

    private RealtimeScheduling() {
    }

    static void checkPriority(int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority " + priority + " (expected: 1-" + MAX_PRIORITY + ")");
        }
    }

    /** The calling thread's id for the kernel, or null where there is no {@code /proc/thread-self} (not Linux). */
    static String currentThreadId() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Puts thread {@code tid} of this process in {@code SCHED_FIFO} at {@code priority} (1-99) with {@code chrt};
     * returns null when it is there, else why not (not permitted, no chrt) in words for the operator.
     */
    static String raise(String tid, int priority, String chrtProgram) {
        checkPriority(priority);
        String why = run(List.of(chrtProgram, "-f", "-p", Integer.toString(priority), tid), "chrt (util-linux)");
        if (why != null) {
            return why;
        }
        int[] now = policyOf(tid);
        return now[0] == SCHED_FIFO && now[1] == priority ? null
                : "chrt succeeded but the thread is in policy " + now[0] + " at priority " + now[1];
    }

    /**
     * The id of this process's thread named {@code name} (as {@code /proc/self/task/TID/comm} spells it, at most
     * 15 characters), or null when there is none or no {@code /proc}.
     */
    static String threadNamed(String name) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip().equals(name);
                } catch (IOException e) {
                    return false; // the thread ended while we looked
                }
            }).map(task -> task.getFileName().toString()).findFirst().orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    /**
     * The JVM's VM thread runs every stop-the-world operation while the clock stands at the safepoint, so a
     * safepoint lasts as long as that thread waits for a core: at 2,000 calls one ZGC {@code ZMarkStart}, 0.05 ms
     * of work, stood 39 ms "at safepoint" with the VM thread under the fair scheduler, and every stream with it.
     * In the real-time class it runs the moment the operation is due (it sleeps otherwise, so it takes no core
     * from anyone); one below the clock, which it never needs to preempt (the clock is stopped while it works).
     * Returns the priority it got, 0 when it stays under the fair scheduler.
     */
    static int raiseVmThread(int clockPriority) {
        int priority = Math.max(1, clockPriority - 1);
        String tid = threadNamed(VM_THREAD);
        return tid != null && raise(tid, priority, "chrt") == null ? priority : 0;
    }

    /** Puts thread {@code tid} back under the fair scheduler at {@code nice}; null when done, else why not. */
    static String lower(String tid, int nice) {
        String why = run(List.of("chrt", "-o", "-p", "0", tid), "chrt (util-linux)");
        return why != null ? why : run(List.of("renice", "-n", Integer.toString(nice), "-p", tid), "renice");
    }

    /** {policy, real-time priority, nice} of thread {@code tid} of this process, from its {@code stat}. */
    static int[] policyOf(String tid) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"), StandardCharsets.US_ASCII);
            // the name in parentheses may hold spaces and parentheses: fields are counted after the last ')'
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // after[0] is field 3 (state); nice is field 19, rt_priority field 40 and policy field 41 (proc(5))
            return new int[] {Integer.parseInt(after[41 - 3]), Integer.parseInt(after[40 - 3]),
                    Integer.parseInt(after[19 - 3])};
        } catch (IOException e) {
            return new int[] {-1, -1, 0};
        }
    }

    /**
     * Runs a util-linux tool on one of our threads; null when it succeeded, else its last line of output (the
     * error: taskset prints the current list first) or why it could not run.
     */
    static String run(List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return command.get(0) + " did not finish in 5 s";
            }
            if (process.exitValue() != 0) {
                return said.isEmpty() ? command.get(0) + " exited with " + process.exitValue()
                        : said.lines().reduce((first, last) -> last).orElse(said);
            }
            return null;
        } catch (IOException e) {
            return what + " could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
