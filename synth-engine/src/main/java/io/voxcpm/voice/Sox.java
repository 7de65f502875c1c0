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

    /**
     * Decodes a FLAC file to WAV bytes, bounded: a FLAC file a few KB long can hold hours of audio, so the
     * header's length is checked before decoding ({@link FlacInfo}), sox stops after a little more than the
     * longest usable recording ({@code trim}), and its output is watched while it writes and killed past
     * {@code maxWavBytes}.
     */
    static byte[] flacToWav(Path sox, Path flac) throws IOException, InvalidRecordingException {
        return flacToWav(sox, flac, MAX_WAV_BYTES);
    }

    /** What 31 s of 384 kHz stereo 32-bit PCM takes, and then some: no usable recording is larger. */
    static final long MAX_WAV_BYTES = 100L << 20;

    static byte[] flacToWav(Path sox, Path flac, long maxWavBytes) throws IOException, InvalidRecordingException {
        FlacInfo.read(flac).check(flac.getFileName().toString());
        Path out = Files.createTempFile("voxcpm-voice", ".wav");
        Path messages = Files.createTempFile("voxcpm-sox", ".txt");
        try {
            // one second past the longest recording accepted, so a too-long one is still reported as such
            String seconds = Long.toString((long) Recording.MAX_SECONDS + 1);
            Process p = new ProcessBuilder(sox.toString(), "-V1", flac.toString(), "-t", "wav", out.toString(),
                    "trim", "0", seconds)
                    .redirectErrorStream(true)
                    .redirectOutput(messages.toFile())
                    .start();
            p.getOutputStream().close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (Files.size(out) > maxWavBytes) {
                    p.destroyForcibly();
                    throw new InvalidRecordingException("recording " + flac.getFileName() + " decodes to more than "
                            + (maxWavBytes >> 20) + " MiB of audio; voices need a 1-30 s clip: trim it first");
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new InvalidRecordingException("sox did not convert " + flac.getFileName() + " within "
                            + TIMEOUT_SECONDS + " s; convert it to WAV yourself");
                }
            }
            if (p.exitValue() != 0) {
                throw new InvalidRecordingException("sox could not read " + flac.getFileName() + " ("
                        + readCapped(messages) + "); check the file or convert it to WAV");
            }
            if (Files.size(out) > maxWavBytes) {
                throw new InvalidRecordingException("recording " + flac.getFileName() + " decodes to more than "
                        + (maxWavBytes >> 20) + " MiB of audio; voices need a 1-30 s clip: trim it first");
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while converting " + flac, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(messages);
        }
    }

    private static String readCapped(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        String text = new String(b, 0, Math.min(b.length, 500), StandardCharsets.UTF_8).strip();
        return text.replaceAll("\\p{Cntrl}+", " ");
    }
}
