package io.voxcpm.mrcp.synth;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.message.MrcpEncoder;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.rtp.AudioChannel;
import io.voxcpm.rtp.Talkspurt;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * CPU per SPEAK on the MRCP event loop under a burst (issue 8: SPEAK → IN-PROGRESS is the queue of that
 * work): N sessions, one TCP connection each, every session's first SPEAK of the same prompt sent at once,
 * with the prompt's plan remembered and its frames stored (the call-centre case). Prints the loop thread's
 * CPU time per SPEAK (what serializes the responses), split into user and kernel time (the kernel's part is
 * the reads, writes and wake-ups, which Java profiling does not see), and the client's wall time from the
 * first write to the last response. Each timed burst is also a JFR event ({@link Burst}), so that a recording
 * ({@code -XX:StartFlightRecording}) can be cut down to the loop's samples inside the bursts, without the
 * connections' set-up and tear-down between them. The MRCP server is the real one ({@link MrcpServer}: decoder, deadlines, encoder,
 * connection handler, registry) on loopback with one event loop; the resource is the real
 * {@link SynthesizerChannel}; the engine ({@link InstantEngine} behind a real prompt cache in a temporary directory, for the warm-up SPEAK only) and the audio
 * channel (frames taken and never sent: the media clock is not what this measures) are stand-ins.
 *
 * <p>{@code SpeakBurstBenchmark [sessions] [rounds]}: each round opens fresh sessions and connections, so
 * every SPEAK is a session's first, as in the burst the load tool measures; the first rounds warm the JIT.
 */
public final class SpeakBurstBenchmark {

    private static final String TEXT = "400 thank you for calling, please hold";

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        DefaultEventExecutor executor = new DefaultEventExecutor();
        long loopThread = loop.next().submit(() -> Thread.currentThread().getId()).get();
        MrcpChannelRegistry registry = new MrcpChannelRegistry();
        Path cacheDir = Files.createTempDirectory("speak-burst-cache");
        // the prompt cache is what makes a SPEAK's audio nameable in the frame tier
        SpeechEngine engine = new CachingEngine(new InstantEngine(), PromptCache.open(cacheDir, 64 << 20), "bench");
        FrameTier tier = new FrameTier(FrameTier.DEFAULT_MAX_BYTES);
        SpeakPlanning planning = new SpeakPlanning(VoiceCatalog.EMPTY, Map.of(), false, PromptAudio.NONE, tier);
        try (MrcpServer server = MrcpServer.builder(registry)
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .tcpLimits(new TcpLimits(100_000, 100_000, Duration.ofSeconds(10), 1 << 20))
                .eventLoopGroup(loop, NioServerSocketChannel.class).start()) {
            // the first SPEAK of the prompt: planned, synthesised and its frames stored
            round(server, registry, engine, planning, executor, 1, "warm", threads, loopThread);
            long stored = tier.stats().stores();
            System.out.printf("warm-up SPEAK stored %d frame set(s)%n", stored);
            List<double[]> perSpeak = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                perSpeak.add(round(server, registry, engine, planning, executor, sessions, "r" + r, threads, loopThread));
            }
            List<double[]> last = perSpeak.subList(perSpeak.size() / 2, perSpeak.size());
            // the user time is counted in scheduler ticks (10 ms on most kernels), so the split is of the sums
            double cpu = last.stream().mapToDouble(us -> us[0]).sum();
            double user = last.stream().mapToDouble(us -> us[1]).sum();
            System.out.printf("MRCP loop CPU per SPEAK, second half of %d rounds of %d: median %.1f us, min %.1f us;"
                    + " of all its CPU %.0f%% user, %.0f%% kernel (%.1f + %.1f us per SPEAK)%n", rounds, sessions,
                    last.stream().mapToDouble(us -> us[0]).sorted().toArray()[last.size() / 2],
                    last.stream().mapToDouble(us -> us[0]).min().orElse(0), 100 * user / cpu, 100 - 100 * user / cpu,
                    user / last.size(), (cpu - user) / last.size());
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            try (var files = Files.walk(cacheDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** One burst; returns the loop's CPU microseconds per SPEAK: in all, and in user mode. */
    private static double[] round(MrcpServer server, MrcpChannelRegistry registry, SpeechEngine engine,
                                SpeakPlanning planning, DefaultEventExecutor executor, int n, String tag,
                                ThreadMXBean threads, long loopThread) throws Exception {
        List<SynthesizerChannel> channels = new ArrayList<>(n);
        List<Socket> sockets = new ArrayList<>(n);
        List<byte[]> speaks = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                String id = String.format("%s%08x@speechsynth", tag, i);
                SynthesizerChannel synth = new SynthesizerChannel(id, "[" + id + "]", engine, new TakingAudio(),
                        TelephonyFormat.PCMU_8K, 20, SynthSettings.DEFAULTS, planning, executor);
                registry.register(id, synth);
                channels.add(synth);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                speaks.add(MrcpEncoder.encode(MrcpRequest.withText("SPEAK", 1, MrcpHeaders.builder()
                        .add("Channel-Identifier", id).add("Content-Type", "text/plain").build(), TEXT)));
            }
            Thread.sleep(200); // the accepts settle before the clock starts
            Burst burst = new Burst();
            burst.begin();
            long cpu0 = threads.getThreadCpuTime(loopThread);
            long user0 = threads.getThreadUserTime(loopThread);
            long wall0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                OutputStream out = sockets.get(i).getOutputStream();
                out.write(speaks.get(i));
                out.flush();
            }
            for (Socket socket : sockets) {
                readResponse(socket.getInputStream());
            }
            long wall = System.nanoTime() - wall0;
            // anything the loop still does for the burst (write listeners) counts; the warm-up SPEAK has its
            // frames stored once its synthesis has been encoded whole
            Thread.sleep(n == 1 ? 1000 : 50);
            long cpu = threads.getThreadCpuTime(loopThread) - cpu0;
            long user = threads.getThreadUserTime(loopThread) - user0;
            burst.sessions = n;
            burst.commit();
            double us = cpu / 1000.0 / n;
            if (n > 1) {
                System.out.printf("%s: %d SPEAKs, loop CPU %.1f ms (%.1f us per SPEAK), user %.0f ms, "
                        + "last response after %.1f ms%n", tag, n, cpu / 1e6, us, user / 1e6, wall / 1e6);
            }
            return new double[] {us, user / 1000.0 / n};
        } finally {
            // the sessions end before their connections, as after a BYE, so none logs a lost connection
            for (int i = 0; i < channels.size(); i++) {
                channels.get(i).close();
                registry.unregister(channels.get(i).channelId());
            }
            executor.submit(() -> { }).get(); // the channels' close tasks have run
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The span of one timed burst in a flight recording. */
    @Name("io.voxcpm.SpeakBurst")
    @Label("SPEAK burst")
    static final class Burst extends Event {
        @Label("Sessions")
        int sessions;
    }

    /** Reads one response's start line, checking it is 200 IN-PROGRESS. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed before a response");
            }
            line.append((char) b);
        }
        if (!line.toString().contains(" 200 IN-PROGRESS")) {
            throw new IOException("not 200 IN-PROGRESS: " + line);
        }
    }

    /** Takes a talkspurt's frames and sends nothing: a SPEAK stays SPEAKING until its session closes. */
    private static final class TakingAudio implements AudioChannel {
        @Override
        public int frameBytes() {
            return TelephonyFormat.PCMU_8K.bytesPerFrame(20);
        }

        @Override
        public Talkspurt begin(Talkspurt.Listener listener) {
            return new Talkspurt() {
                @Override
                public void write(byte[] frame) {
                }

                @Override
                public void finish() {
                }

                @Override
                public void pause() {
                }

                @Override
                public void resume() {
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public Talkspurt play(EncodedFrames frames, int fromFrame, Talkspurt.Listener listener) {
            return begin(listener);
        }

        @Override
        public void close() {
        }
    }
}
