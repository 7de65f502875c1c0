package io.voxcpm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** What Debian's {@code sox --i} reads from a file header: the reference for our WAV writer. */
record SoxInfo(int sampleRate, int channels, String encoding, int bits, double seconds) {

    private static final Path SOX = Path.of("/usr/bin/sox");

    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(SOX), "sox not installed at /usr/bin/sox; header check skipped");
    }

    static SoxInfo of(Path file) throws IOException, InterruptedException {
        return new SoxInfo(Integer.parseInt(ask("-r", file)), Integer.parseInt(ask("-c", file)), ask("-e", file),
                Integer.parseInt(ask("-b", file)), Double.parseDouble(ask("-D", file)));
    }

    private static String ask(String flag, Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SOX.toString(), "--i", flag, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("sox --i " + flag + " " + file + ": " + out);
        }
        return out;
    }
}
