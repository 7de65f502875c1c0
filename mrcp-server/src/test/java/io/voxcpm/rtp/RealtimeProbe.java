package io.voxcpm.rtp;

import java.util.concurrent.TimeUnit;

/**
 * Whether this process may use the real-time class here, asked of the kernel apart from the code under test: can
 * {@code chrt} start a process in {@code SCHED_FIFO} (root, CAP_SYS_NICE or an RLIMIT_RTPRIO)? Tests that expect
 * the clock in real time where that is allowed, and a reason where it is not, share it.
 */
public final class RealtimeProbe {

    private RealtimeProbe() {
    }

    public static boolean permitted() throws Exception {
        Process p = new ProcessBuilder("chrt", "-f", "1", "true").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
