package io.voxcpm.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        return ExternalTool.run("sox", input, ".raw", (in, out) -> {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-D", "-V1"));
            cmd.addAll(inputArgs);
            cmd.add(in.toString());
            cmd.addAll(outputArgs);
            cmd.add(out.toString());
            return cmd;
        });
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
