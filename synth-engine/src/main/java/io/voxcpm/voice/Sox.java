package io.voxcpm.voice;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The JDK reads no FLAC; when sox is installed it converts FLAC to WAV for us. */
final class Sox {

    private static final long TIMEOUT_SECONDS = 60;

    private Sox() {
    }

    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "sox");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static byte[] flacToWav(Path sox, Path flac) throws IOException, InvalidRecordingException {
        Path out = Files.createTempFile("voxcpm-voice", ".wav");
        try {
            Process p = new ProcessBuilder(sox.toString(), "-V1", flac.toString(), "-t", "wav", out.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            byte[] messages = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new InvalidRecordingException("sox did not convert " + flac.getFileName() + " within " + TIMEOUT_SECONDS + " s; convert it to WAV yourself");
            }
            if (p.exitValue() != 0) {
                throw new InvalidRecordingException("sox could not read " + flac.getFileName() + " ("
                        + new String(messages, StandardCharsets.UTF_8).strip() + "); check the file or convert it to WAV");
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while converting " + flac, e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
