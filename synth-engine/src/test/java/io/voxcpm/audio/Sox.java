package io.voxcpm.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's sox on raw files as the reference. Always with {@code -D}: sox otherwise adds random
 * TPDF dither whenever it narrows the sample width (16-bit to G.711's 14/13 bits, or after the rate
 * effect), so two runs on the same input give different bytes.
 */
final class Sox {

    static final Path BINARY = Path.of("/usr/bin/sox");

    private Sox() {
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "sox not installed at /usr/bin/sox; reference comparison skipped");
    }

    /** Runs sox with {@code inputArgs} describing {@code input} and {@code outputArgs} the raw output. */
    static byte[] run(byte[] input, List<String> inputArgs, List<String> outputArgs) throws IOException {
        Path dir = Files.createTempDirectory("sox");
        Path in = dir.resolve("in.raw");
        Path out = dir.resolve("out.raw");
        try {
            Files.write(in, input);
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-D", "-V1"));
            cmd.addAll(inputArgs);
            cmd.add(in.toString());
            cmd.addAll(outputArgs);
            cmd.add(out.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("sox failed: " + cmd + "\n" + log);
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    /** sox's {@code rate} effect (its default, -h quality) between raw 16-bit mono files. */
    static short[] rate(short[] pcm, int inRate, int outRate) throws IOException {
        byte[] out = run(toLittleEndian(pcm),
                List.of("-t", "raw", "-r", Integer.toString(inRate), "-e", "signed", "-b", "16", "-c", "1", "-L"),
                List.of("-t", "raw", "-r", Integer.toString(outRate), "-e", "signed", "-b", "16", "-L"));
        return fromLittleEndian(out);
    }

    static byte[] toLittleEndian(short[] pcm) {
        ByteBuffer b = ByteBuffer.allocate(pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(pcm);
        return b.array();
    }

    static short[] fromLittleEndian(byte[] raw) {
        short[] pcm = new short[raw.length / 2];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        return pcm;
    }
}
