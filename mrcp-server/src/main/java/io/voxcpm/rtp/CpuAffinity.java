package io.voxcpm.rtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which cores a thread may run on: the real-time media clock's loops each get one core of their own, and the MRCP
 * loops keep off those cores.
 *
 * <p>Why: the kernel does not move a waiting ordinary thread off a core just because a real-time thread holds it.
 * With the clock in {@code SCHED_FIFO} and both cores busy (2,000 SPEAKs at once), one MRCP loop stayed on the
 * clock's core for 250 ms and ran only in what the clock left of it (the clock took 26 % of the core as the burst
 * began and 72 % by its end, as the streams started), and answered its half of the burst in 110-150 ms while the
 * other loop, on the other core, answered in a few ({@code perf sched timehist}, docs/performance.md). With each
 * on its own side, SPEAK -> IN-PROGRESS p99 at 2,000 was 9.7-21.1 ms against 17.8-50.1 ms in alternating runs on
 * one server; rarer, not gone (one later run: 179.8 ms).
 *
 * <p>Only where there is a core to spare: the clock takes the last cores this process may use, one per loop, while
 * at least one is left for everything else; on one core nothing is pinned. Done with util-linux's {@code taskset}
 * on the thread's id, once per loop when the server starts, never on a tick.
 */
public final class CpuAffinity {

    private CpuAffinity() {
    }

    /** The cores the calling thread may run on (its {@code Cpus_allowed_list}); empty where that is unknown. */
    static List<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return List.of();
    }

    /** "0-3,8,10-11" as the sorted cores it names. */
    static List<Integer> parse(String list) {
        Set<Integer> cpus = new TreeSet<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
            for (int c = from; c <= to; c++) {
                cpus.add(c);
            }
        }
        return new ArrayList<>(cpus);
    }

    /**
     * Confines the calling thread to the cores it may use now minus {@code avoid}; does nothing (returns null) when
     * that would leave none or {@code avoid} is empty. Returns null when done, else why not.
     */
    public static String keepCurrentThreadOff(Set<Integer> avoid) {
        if (avoid.isEmpty()) {
            return null;
        }
        List<Integer> rest = new ArrayList<>(allowedCpus());
        rest.removeAll(avoid);
        return rest.isEmpty() ? null : pinCurrentThread(rest);
    }

    /** Confines the calling thread to {@code cpus}; null when done, else why not. */
    static String pinCurrentThread(List<Integer> cpus) {
        String tid = RealtimeScheduling.currentThreadId();
        if (tid == null) {
            return "no /proc/thread-self";
        }
        String list = cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
        return RealtimeScheduling.run(List.of("taskset", "-p", "-c", list, tid), "taskset (util-linux)");
    }
}
