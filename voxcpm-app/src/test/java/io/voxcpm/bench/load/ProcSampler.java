package io.voxcpm.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server process as /proc sees it, sampled every 100 ms on a thread of its own: CPU time
 * (utime + stime), resident set size and thread count. Works for any server, Java or C.
 */
final class ProcSampler implements AutoCloseable {

    /** One reading; cpu in clock ticks, rss in KiB. */
    record Sample(long nanos, long cpuTicks, long rssKb, int threads) { }

    static final long TICKS_PER_SECOND = 100; // USER_HZ on every Linux this runs on

    private final int pid;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Sample first;
    private volatile Sample last;
    private volatile long peakRssKb;
    private volatile int peakThreads;
    private final Pss pssStart;
    /** The largest PSS read while the run went (every second), with its parts. */
    private volatile Pss pssPeak;

    ProcSampler(int pid) {
        this.pid = pid;
        this.first = read(pid);
        if (first == null) {
            throw new IllegalArgumentException("no process " + pid + " in /proc");
        }
        this.last = first;
        this.peakRssKb = first.rssKb();
        this.peakThreads = first.threads();
        this.pssStart = pss(pid);
        this.pssPeak = pssStart;
        this.thread = new Thread(this::loop, "proc-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        for (long n = 1; running; n++) {
            Sample s = read(pid);
            if (s != null) {
                last = s;
                peakRssKb = Math.max(peakRssKb, s.rssKb());
                peakThreads = Math.max(peakThreads, s.threads());
            }
            if (n % 10 == 0) { // smaps_rollup walks every mapping: once a second is enough for a peak
                Pss p = pss(pid);
                if (p.totalKb() > pssPeak.totalKb()) {
                    pssPeak = p;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** CPU, RSS and thread figures between construction and now. */
    record Usage(double cpuPercent, long rssStartKb, long rssEndKb, long rssPeakKb, int threadsPeak,
                 double seconds, Pss pssStart, Pss pssPeak, Pss pssEnd) {
        long pssStartKb() {
            return pssStart.totalKb();
        }

        long pssEndKb() {
            return pssEnd.totalKb();
        }
    }

    /**
     * Proportional set size and two of its parts, KiB (-1 when unreadable). Anonymous memory is the process's
     * own (malloc, thread stacks, direct buffers, and a G1 or Parallel heap); shared memory is where JDK 17's
     * ZGC keeps its heap (a memfd mapped three times, which triples RSS but not PSS): its PSS grows as the
     * collector first touches pages of the heap it committed at start (-Xms), whatever the sessions hold.
     */
    record Pss(long totalKb, long anonKb, long shmemKb) {
        static final Pss UNKNOWN = new Pss(-1, -1, -1);
    }

    Usage usage() {
        Sample now = read(pid);
        if (now == null) {
            now = last;
        }
        double seconds = (now.nanos() - first.nanos()) / 1e9;
        double cpu = seconds <= 0 ? 0 : 100.0 * (now.cpuTicks() - first.cpuTicks()) / TICKS_PER_SECOND / seconds;
        return new Usage(cpu, first.rssKb(), now.rssKb(), Math.max(peakRssKb, now.rssKb()),
                Math.max(peakThreads, now.threads()), seconds, pssStart, pssPeak, pss(pid));
    }

    static Sample read(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name, which may hold spaces and parentheses
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = 0;
            int threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Sample(System.nanoTime(), ticks, rss, threads);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** PSS and its anonymous and shared parts, from smaps_rollup; {@link Pss#UNKNOWN} when unreadable. */
    static Pss pss(int pid) {
        long total = -1;
        long anon = -1;
        long shmem = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    total = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Pss_Anon:")) {
                    anon = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Pss_Shmem:")) {
                    shmem = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Pss.UNKNOWN;
        }
        return new Pss(total, anon, shmem);
    }

    /** The pid of the process that has a UDP socket bound to this port (the server's SIP port), or -1. */
    static int pidListeningOnUdp(int port) {
        try {
            String inode = null;
            for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (inode == null && f.length > 9 && f[1].contains(":")
                            && Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
                        inode = f[9];
                    }
                }
            }
            if (inode == null) {
                return -1;
            }
            String target = "socket:[" + inode + "]";
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try (var fds = Files.list(p.resolve("fd"))) {
                        for (Path fd : (Iterable<Path>) fds::iterator) {
                            try {
                                if (Files.readSymbolicLink(fd).toString().equals(target)) {
                                    return Integer.parseInt(name);
                                }
                            } catch (IOException ignored) {
                                // an fd closed while looking
                            }
                        }
                    } catch (IOException ignored) {
                        // a process that ended or is not ours to read
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
