package io.voxcpm.bench.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pauses a JVM logged while the load ran: the server is started with
 * {@code -Xlog:gc,gc+phases,safepoint:file=...}; the tool notes the log's length before the run and reads
 * what was appended. GC pauses are the "Pause ... N.NNNms" lines (G1, ZGC, generational ZGC); safepoint
 * lines ("Total: N ns") are every stop of the application threads, GC or not.
 */
final class GcLog {

    private static final Pattern GC_PAUSE = Pattern.compile("Pause.*?\\s([0-9]+(?:\\.[0-9]+)?)ms\\s*$");
    private static final Pattern SAFEPOINT = Pattern.compile("Safepoint \"([^\"]+)\".*Total: ([0-9]+) ns");

    private final Path file;
    private final long startOffset;

    GcLog(Path file) {
        this.file = file;
        long size = 0;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        this.startOffset = size;
    }

    /** GC pauses and safepoint stops, milliseconds. */
    record Pauses(Stats gc, Stats safepoints) { }

    Pauses sinceStart() throws IOException {
        Stats gc = new Stats();
        Stats sp = new Stats();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length < startOffset) {
                return new Pauses(gc, sp); // the log was rotated or replaced
            }
            byte[] appended = new byte[(int) Math.min(length - startOffset, 256L << 20)];
            f.seek(startOffset);
            f.readFully(appended);
            parse(new String(appended, StandardCharsets.UTF_8), gc, sp);
        }
        return new Pauses(gc, sp);
    }

    static void parse(String text, Stats gc, Stats safepoints) {
        for (String line : text.split("\n")) {
            Matcher s = SAFEPOINT.matcher(line);
            if (s.find()) {
                safepoints.add(Long.parseLong(s.group(2)) / 1e6);
                continue;
            }
            if (line.contains("[gc") && !line.contains("safepoint")) {
                Matcher m = GC_PAUSE.matcher(line);
                if (m.find()) {
                    gc.add(Double.parseDouble(m.group(1)));
                }
            }
        }
    }
}
