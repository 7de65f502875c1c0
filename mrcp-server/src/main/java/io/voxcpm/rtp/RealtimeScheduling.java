package io.voxcpm.rtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Moves the calling thread into Linux's real-time class ({@code SCHED_FIFO}): such a thread runs the moment it
 * wakes, ahead of every ordinary thread, instead of taking turns with them under the fair scheduler.
 *
 * <p>Why the media clock wants it: under the fair scheduler a nice value only weighs a thread's share of a core
 * over tens of milliseconds; it does not make it run at once. On the 2-core machine, with the clock at nice -5,
 * a slot's packets still waited behind the MRCP loops, the SIP thread and the load tool: jitter p99 2.5-21 ms and
 * up to 87,000 late packets at 2,000 calls. In {@code SCHED_FIFO} the same server had jitter p99 0.3-1.9 ms up
 * to 1,000 calls and no late packet at 2,000 (docs/performance.md). The clock's work is bounded by the sessions
 * it paces and it sleeps between slots, so it cannot take a core from the others for long; the kernel's
 * real-time throttling (95 % of each second by default) is a further bound. The same choice as FreeSWITCH's
 * {@code -rp} and Asterisk's {@code -p}.
 *
 * <p>Java has no call for it, so util-linux's {@code chrt} does it on the thread's id, which the thread reads
 * from {@code /proc/thread-self}; once per clock loop, when the clock starts, never on a tick.
 */
final class RealtimeScheduling {

    /** {@code SCHED_FIFO} in {@code /proc/.../stat}'s policy field. */
    static final int SCHED_FIFO = 1;
    static final int MAX_PRIORITY = 99;

    private RealtimeScheduling() {
    }

    /**
     * Puts the calling thread in {@code SCHED_FIFO} at {@code priority} (1-99); returns null when it is there,
     * else why not (not permitted, no chrt, not Linux) in words for the operator.
     */
    static String applyToCurrentThread(int priority) {
        return applyToCurrentThread(priority, "chrt");
    }

    /** As {@link #applyToCurrentThread(int)} with this {@code chrt} program (tests name one that is missing). */
    static String applyToCurrentThread(int priority, String chrtProgram) {
        checkPriority(priority);
        if (!Files.isDirectory(Path.of("/proc/thread-self"))) {
            return "real-time scheduling needs Linux (no /proc/thread-self)";
        }
        try {
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Process chrt = new ProcessBuilder(chrtProgram, "-f", "-p", Integer.toString(priority), tid)
                    .redirectErrorStream(true).start();
            String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!chrt.waitFor(5, TimeUnit.SECONDS)) {
                chrt.destroyForcibly();
                return "chrt did not finish in 5 s";
            }
            if (chrt.exitValue() != 0) {
                return said.isEmpty() ? "chrt exited with " + chrt.exitValue() : said.lines().findFirst().orElse(said);
            }
            int[] now = policyOfCurrentThread();
            if (now[0] != SCHED_FIFO || now[1] != priority) {
                return "chrt succeeded but the thread is in policy " + now[0] + " at priority " + now[1];
            }
            return null;
        } catch (IOException e) {
            return "chrt (util-linux) could not be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static void checkPriority(int priority) {
        if (priority < 1 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("real-time priority " + priority + " (expected: 1-" + MAX_PRIORITY + ")");
        }
    }

    /** {policy, real-time priority} of the calling thread, from {@code /proc/thread-self/stat}. */
    static int[] policyOfCurrentThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
        // the name in parentheses may hold spaces and parentheses: fields are counted after the last ')'
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // after[0] is field 3 (state); rt_priority is field 40 and policy field 41 (proc(5))
        return new int[] {Integer.parseInt(after[41 - 3]), Integer.parseInt(after[40 - 3])};
    }
}
