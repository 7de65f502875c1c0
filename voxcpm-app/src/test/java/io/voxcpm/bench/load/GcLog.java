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
    private static final Pattern STALL = Pattern.compile("Allocation Stall.*?\\s([0-9]+(?:\\.[0-9]+)?)ms\\s*$");
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

    /** GC pauses, safepoint stops and ZGC allocation stalls (a thread waiting for memory), milliseconds. */
    record Pauses(Stats gc, Stats safepoints, Stats stalls) { }

    Pauses sinceStart() throws IOException {
        Stats gc = new Stats();
        Stats sp = new Stats();
        Stats stalls = new Stats();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length < startOffset) {
                return new Pauses(gc, sp, stalls); // the log was rotated or replaced
            }
            byte[] appended = new byte[(int) Math.min(length - startOffset, 256L << 20)];
            f.seek(startOffset);
            f.readFully(appended);
            parse(new String(appended, StandardCharsets.UTF_8), gc, sp, stalls);
        }
        return new Pauses(gc, sp, stalls);
    }

    static void parse(String text, Stats gc, Stats safepoints, Stats stalls) {
        for (String line : text.split("\n")) {
            Matcher s = SAFEPOINT.matcher(line);
            if (s.find()) {
                safepoints.add(Long.parseLong(s.group(2)) / 1e6);
                continue;
            }
            Matcher stall = STALL.matcher(line);
            if (stall.find()) {
                stalls.add(Double.parseDouble(stall.group(1)));
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
