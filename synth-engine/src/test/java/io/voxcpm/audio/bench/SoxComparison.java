package io.voxcpm.audio.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

import io.voxcpm.audio.Resampler;

/**
 * Prints our resampler's speed next to sox's on the same 60 s file: {@code ./voxcpm-mrcp bench
 * synth-engine SoxComparison [RUNS]}. Ours is streamed in 20 ms chunks in-process (after warm-up);
 * sox is run as a process on the raw file ({@code sox -D}, its default high-quality {@code rate}), as a
 * deployment that shelled out to it would pay. Two views, medians of RUNS (default 15):
 * <ul>
 *   <li>wall: real time, sox's including its start-up and file I/O;</li>
 *   <li>CPU: our thread's CPU time against sox's user+sys (from this process's reaped-children
 *       counters, 10 ms ticks, so averaged over the runs). On a shared, busy machine wall time
 *       measures the neighbours; CPU time is the steadier comparison.</li>
 * </ul>
 */
public final class SoxComparison {

    private static final int SECONDS = 60;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SoxComparison() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[][] pairs = {{48000, 8000}, {48000, 16000}, {44100, 16000}, {22050, 8000}};
        boolean sox = Files.isExecutable(Path.of("/usr/bin/sox"));
        System.out.printf("60 s of audio, %d runs, medians%n", runs);
        System.out.printf("%-13s %10s %10s %7s   %11s %11s %7s%n", "rates", "ours xRT", "sox xRT", "ratio",
                "ours CPU ms", "sox CPU ms", "ratio");
        for (int[] p : pairs) {
            short[] file = signal(p[0]);
            double[] ours = timeOurs(() -> resample(file, p[0], p[1]), runs);
            String rates = p[0] + "->" + p[1];
            if (sox) {
                double[] theirs = timeSox(file, p[0], p[1], runs);
                System.out.printf("%-13s %10.0f %10.0f %6.2fx   %11.1f %11.1f %6.2fx%n", rates,
                        SECONDS / ours[0], SECONDS / theirs[0], theirs[0] / ours[0],
                        ours[1] * 1e3, theirs[1] * 1e3, theirs[1] / ours[1]);
            } else {
                System.out.printf("%-13s %10.0f %10s %7s   %11.1f%n", rates, SECONDS / ours[0], "n/a", "", ours[1] * 1e3);
            }
        }
    }

    private static short[] signal(int rate) {
        Random random = new Random(1);
        short[] s = new short[rate * SECONDS];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (8000 * Math.sin(i * 0.05) + 2000 * random.nextGaussian());
        }
        return s;
    }

    private static int resample(short[] in, int inRate, int outRate) {
        Resampler r = Resampler.of(inRate, outRate);
        int chunk = inRate / 50;
        int n = 0;
        for (int off = 0; off < in.length; off += chunk) {
            n += r.process(in, off, Math.min(chunk, in.length - off)).length;
        }
        return n + r.flush().length;
    }

    /** {median wall s, median CPU s}. */
    private static double[] timeOurs(IntSupplier task, int runs) {
        int sink = 0;
        for (int i = 0; i < 5; i++) {
            sink += task.getAsInt();
        }
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            sink += task.getAsInt();
            wall[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {median(wall), median(cpu)};
    }

    /** {median wall s, mean CPU s}. */
    private static double[] timeSox(short[] pcm, int inRate, int outRate, int runs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("soxcmp");
        Path in = dir.resolve("in.raw");
        Path out = dir.resolve("out.raw");
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(pcm);
        Files.write(in, b.array());
        List<String> cmd = List.of("/usr/bin/sox", "-D", "-t", "raw", "-r", Integer.toString(inRate), "-e", "signed",
                "-b", "16", "-c", "1", in.toString(), "-t", "raw", "-r", Integer.toString(outRate), out.toString());
        double[] wall = new double[runs];
        try {
            runSox(cmd); // warm the page cache
            long ticks0 = childTicks();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                runSox(cmd);
                wall[i] = (System.nanoTime() - t0) / 1e9;
            }
            return new double[] {median(wall), (childTicks() - ticks0) / 100.0 / runs};
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    private static void runSox(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("sox failed: " + cmd);
        }
    }

    /** cutime + cstime of this process: CPU of its reaped children, in clock ticks (USER_HZ, 100 on Linux). */
    private static long childTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16 and 17, counted from state (3)
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
