package io.voxcpm.rtp.bench;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpAudioChannel;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.rtp.Talkspurt;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens N PCMU streams (20 ms) to a loopback receiver and prints inter-arrival statistics, the RFC 3550
 * interarrival jitter and the media clock's CPU time per packet. Not a JMH benchmark: the quantity is
 * real-time pacing, not throughput. Run with
 * {@code java -cp <test classpath> io.voxcpm.rtp.bench.RtpPacingBenchmark [seconds] [loops] [streams...]}
 * (defaults: 10 s, the clock's default loop count, 100 500 1000). The receiver runs in the same process
 * and on the same cores, so its own scheduling delays are part of the figures.
 */
public final class RtpPacingBenchmark {

    private static final int PTIME_MS = 20;
    private static final int FRAME_BYTES = 160;
    private static final int WARMUP_SECONDS = 2;

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        List<Integer> counts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            counts.add(Integer.parseInt(args[i]));
        }
        if (counts.isEmpty()) {
            counts = List.of(100, 500, 1000);
        }
        System.out.printf("cores=%d, java=%s, %d s per run after %d s warm-up%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), seconds,
                WARMUP_SECONDS);
        for (int streams : counts) {
            run(streams, loops, seconds);
        }
    }

    private static void run(int streams, int loops, int seconds) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (MediaClock clock = loops > 0 ? new MediaClock(loops) : new MediaClock();
             Receiver receiver = new Receiver(loopback)) {
            RtpMedia media = new RtpMedia(clock, new RtpPortAllocator(loopback, 20000, 20000 + 2 * streams + 1));
            List<RtpAudioChannel> channels = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                channels.add(media.open("bench-" + s, receiver.address(), 0, 8000, PTIME_MS, FRAME_BYTES));
            }
            receiver.expect(channels);
            receiver.start();

            // One shared frame: the talkspurt does not copy, and the receiver does not look at payloads.
            byte[] frame = new byte[FRAME_BYTES];
            int frames = (WARMUP_SECONDS + seconds + 1) * 1000 / PTIME_MS;
            // -Drtp.bench.stored=true: every stream plays one shared EncodedFrames, as prompt-cache hits do
            EncodedFrames stored = Boolean.getBoolean("rtp.bench.stored")
                    ? EncodedFrames.of(TelephonyFormat.PCMU_8K, PTIME_MS, java.util.Collections.nCopies(frames, frame))
                    : null;
            for (RtpAudioChannel channel : channels) {
                if (stored != null) {
                    channel.play(stored, 0, () -> { });
                    continue;
                }
                Talkspurt talkspurt = channel.begin(() -> { });
                for (int i = 0; i < frames; i++) {
                    talkspurt.write(frame);
                }
                talkspurt.finish();
            }

            Thread.sleep(WARMUP_SECONDS * 1000L);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long clockCpu0 = clockThreadsCpuNanos(threads);
            long processCpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            receiver.measure(true);
            Thread.sleep(seconds * 1000L);
            receiver.measure(false);
            long wall = System.nanoTime() - wall0;
            long clockCpu = clockThreadsCpuNanos(threads) - clockCpu0;
            long processCpu = processCpuNanos() - processCpu0;

            Stats stats = receiver.stats();
            double expected = (double) streams * wall / 1e6 / PTIME_MS;
            System.out.printf("%5d streams: %d packets (%.1f%% of %.0f due), inter-arrival mean %.3f ms, stdev %.3f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, mean RFC 3550 jitter %.3f ms;"
                            + " clock CPU %.2f us/packet (%.1f%% of a core), process CPU %.2f us/packet%n",
                    streams, stats.count, 100.0 * stats.count / expected, expected, stats.mean(), stats.stdev(),
                    stats.percentile(0.99), stats.percentile(0.999), stats.maxMs(), receiver.meanJitterMs(),
                    clockCpu / 1e3 / stats.count, 100.0 * clockCpu / wall, processCpu / 1e3 / stats.count);
            channels.forEach(RtpAudioChannel::close);
        }
    }

    private static long clockThreadsCpuNanos(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("rtp-clock")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Inter-arrival times in a 10 µs histogram up to 1 s. */
    private static final class Stats {
        private static final int BIN_NANOS = 10_000;
        final long[] bins = new long[100_000];
        long count;
        double sumMs;
        double sumSquaresMs;
        long maxNanos;

        void add(long nanos) {
            bins[(int) Math.min(bins.length - 1, nanos / BIN_NANOS)]++;
            double ms = nanos / 1e6;
            count++;
            sumMs += ms;
            sumSquaresMs += ms * ms;
            maxNanos = Math.max(maxNanos, nanos);
        }

        double mean() {
            return sumMs / count;
        }

        double stdev() {
            return Math.sqrt(Math.max(0, sumSquaresMs / count - mean() * mean()));
        }

        double maxMs() {
            return maxNanos / 1e6;
        }

        double percentile(double p) {
            long rank = (long) Math.ceil(p * count);
            long seen = 0;
            for (int i = 0; i < bins.length; i++) {
                seen += bins[i];
                if (seen >= rank) {
                    return (i + 1) * BIN_NANOS / 1e6;
                }
            }
            return maxMs();
        }
    }

    /** One thread reading every stream; per SSRC keeps the last arrival and the RFC 3550 jitter estimate. */
    private static final class Receiver implements AutoCloseable {
        private final DatagramChannel socket;
        private final Thread thread = new Thread(this::receive, "bench-receiver");
        private final Stats stats = new Stats();
        private Map<Integer, Integer> indexBySsrc = Map.of();
        private long[] lastArrival;
        private int[] lastTimestamp;
        private double[] jitterSamples;
        private volatile boolean measuring;

        Receiver(InetAddress address) throws Exception {
            socket = DatagramChannel.open();
            socket.setOption(StandardSocketOptions.SO_RCVBUF, 16 << 20);
            socket.bind(new InetSocketAddress(address, 0));
        }

        InetSocketAddress address() throws Exception {
            return (InetSocketAddress) socket.getLocalAddress();
        }

        void expect(List<RtpAudioChannel> channels) {
            Map<Integer, Integer> index = new HashMap<>();
            for (int i = 0; i < channels.size(); i++) {
                index.put(channels.get(i).ssrc(), i);
            }
            indexBySsrc = index;
            lastArrival = new long[channels.size()];
            lastTimestamp = new int[channels.size()];
            jitterSamples = new double[channels.size()];
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void measure(boolean on) {
            measuring = on;
        }

        synchronized Stats stats() {
            return stats;
        }

        synchronized double meanJitterMs() {
            double sum = 0;
            for (double j : jitterSamples) {
                sum += j;
            }
            return sum / jitterSamples.length / 8.0; // 8 samples per ms at 8 kHz
        }

        private void receive() {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            try {
                while (socket.isOpen()) {
                    buf.clear();
                    socket.receive(buf);
                    long now = System.nanoTime();
                    Integer index = indexBySsrc.get(buf.getInt(8));
                    if (index != null) {
                        record(index, now, buf.getInt(4));
                    }
                }
            } catch (Exception e) {
                // socket closed at the end of the run
            }
        }

        private synchronized void record(int stream, long now, int timestamp) {
            long previous = lastArrival[stream];
            if (previous != 0 && measuring) {
                stats.add(now - previous);
                // RFC 3550 §6.4.1: D = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16
                double d = (now - previous) * 8000 / 1e9 - (timestamp - lastTimestamp[stream]);
                jitterSamples[stream] += (Math.abs(d) - jitterSamples[stream]) / 16;
            }
            lastArrival[stream] = now;
            lastTimestamp[stream] = timestamp;
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
