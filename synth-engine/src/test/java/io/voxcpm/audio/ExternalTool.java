package io.voxcpm.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** Runs an oracle tool (sox, ffmpeg) over a temporary input file and returns the bytes it wrote. */
final class ExternalTool {

    private ExternalTool() {
    }

    /**
     * @param name     the tool, for the error message
     * @param suffix   file name suffix both temporary files get (some tools read the format from it)
     * @param command  the whole command line, given the input and output paths
     */
    static byte[] run(String name, byte[] input, String suffix, BiFunction<Path, Path, List<String>> command)
            throws IOException {
        Path dir = Files.createTempDirectory(name);
        Path in = dir.resolve("in" + suffix);
        Path out = dir.resolve("out" + suffix);
        try {
            Files.write(in, input);
            List<String> cmd = command.apply(in, out);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(name + " failed: " + cmd + "\n" + log);
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
}
