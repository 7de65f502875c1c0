package io.voxcpm.audio.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import io.voxcpm.audio.Resampler;

/**
 * Prints our resampler's speed next to sox's on the same 60 s file: {@code java ... SoxComparison}.
 * Ours is streamed in 20 ms chunks in-process (best of 5 after warm-up); sox is timed as a process
 * (spawn, file read/write included), as a deployment that shelled out to it would pay.
 */
public final class SoxComparison {

    private static final int SECONDS = 60;

    private SoxComparison() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int[][] pairs = {{48000, 8000}, {48000, 16000}, {44100, 16000}, {22050, 8000}};
        boolean sox = Files.isExecutable(Path.of("/usr/bin/sox"));
        System.out.printf("%-16s %14s %14s%n", "rates", "ours (x RT)", sox ? "sox (x RT)" : "sox: n/a");
        for (int[] p : pairs) {
            short[] file = signal(p[0]);
            double ours = SECONDS / bestSeconds(() -> resample(file, p[0], p[1]));
            String theirs = sox ? String.format("%14.0f", SECONDS / soxSeconds(file, p[0], p[1])) : "";
            System.out.printf("%-16s %14.0f %s%n", p[0] + "->" + p[1], ours, theirs);
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

    private static double bestSeconds(Runnable task) {
        for (int i = 0; i < 3; i++) {
            task.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            task.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e9;
    }

    private static double soxSeconds(short[] pcm, int inRate, int outRate) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("soxcmp");
        Path in = dir.resolve("in.raw");
        Path out = dir.resolve("out.raw");
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(pcm);
        Files.write(in, b.array());
        List<String> cmd = List.of("/usr/bin/sox", "-D", "-t", "raw", "-r", Integer.toString(inRate), "-e", "signed",
                "-b", "16", "-c", "1", in.toString(), "-t", "raw", "-r", Integer.toString(outRate), out.toString());
        long best = Long.MAX_VALUE;
        try {
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (p.waitFor() != 0) {
                    throw new IOException("sox failed: " + cmd);
                }
                best = Math.min(best, System.nanoTime() - t0);
            }
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
        return best / 1e9;
    }
}
