package io.voxcpm.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code tcpdump} on the loopback interface writing a pcap with nanosecond kernel timestamps. Two run
 * side by side: signalling read in full, RTP cut to its 12-byte header (54 bytes a frame), so the capture
 * of 150,000 packets a second stays small and cheap.
 */
final class Capture implements AutoCloseable {

    /** Ethernet 14 + IPv4 20 + UDP 8 + RTP fixed header 12. */
    static final int RTP_SNAPLEN = 54;

    /** Two block-retire timeouts of the kernel's capture ring (libpcap's default 1,000 ms) and a margin. */
    static final long STOP_GRACE_MS = 2_200;

    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

    private final Process process;
    private final List<String> stderr = new ArrayList<>();
    private final Thread reader;
    private final CountDownLatch listening = new CountDownLatch(1);
    final Path file;

    private Capture(Process process, Path file) {
        this.process = process;
        this.file = file;
        this.reader = new Thread(this::readStderr, "tcpdump-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts tcpdump and waits until it listens. {@code immediate} hands every packet to tcpdump at once
     * (cheap at signalling rates); otherwise packets reach it in blocks the kernel retires when full or
     * after about a second, so {@link #STOP_GRACE_MS} must pass after the last packet before {@link #stop}:
     * SIGINT abandons a block not yet handed over.
     */
    static Capture start(Path file, int snaplen, String filter, boolean immediate) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-i", "lo", "-n", "-s", Integer.toString(snaplen), "-B",
                "65536", "--time-stamp-precision=nano", "-Z", "root"));
        if (immediate) {
            cmd.add("--immediate-mode");
        }
        cmd.addAll(List.of("-w", file.toString(), filter));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot run tcpdump (apt-get install tcpdump; capturing needs root or "
                    + "CAP_NET_RAW): " + e.getMessage(), e);
        }
        Capture c = new Capture(p, file);
        if (!c.listening.await(10, TimeUnit.SECONDS) || !p.isAlive()) {
            c.close();
            throw new IOException("tcpdump did not start: " + String.join(" / ", c.stderr));
        }
        return c;
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderr) {
                    stderr.add(line);
                }
                if (line.contains("listening on")) {
                    listening.countDown();
                }
            }
        } catch (IOException ignored) {
            // tcpdump ended
        } finally {
            listening.countDown();
        }
    }

    /** Stops tcpdump with SIGINT (it flushes the file and prints its counts); returns the kernel's drops. */
    long stop() throws InterruptedException {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(2000);
        synchronized (stderr) {
            for (String line : stderr) {
                Matcher m = DROPPED.matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
