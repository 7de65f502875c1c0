package io.voxcpm.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.session.SessionManager;
import io.voxcpm.sip.SipConfig;
import io.voxcpm.sip.SipServer;
import io.voxcpm.sip.SipTraffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Runs synthetic calls through a private copy of the call pipeline from start-up until the first real call,
 * so that the first real burst of INVITEs and SPEAKs meets compiled code instead of the interpreter: JAIN-SIP
 * parsing, SDP negotiation, session set-up, MRCP decoding and encoding, SPEAK admission and planning, a
 * prompt-cache hit served from the frame tier and played to SPEAK-COMPLETE, a miss synthesised and STOPped,
 * RTP, BYE. The JIT compiles methods, not instances, so a second SIP server, MRCP listener, media clock,
 * prompt cache and session layer on loopback ephemeral ports warm the code the real ones run.
 *
 * <p>Why it goes on after the server is ready: on two cores the C2 compiler needs thousands of calls before
 * the call path is compiled (measured: a burst of 1,000 SPEAKs answered in 37-47 ms p99 after 1,500 real calls,
 * 6 ms after 7,000), and while it catches up it takes a core from the first bursts. An idle server has that
 * core to spare; a busy one warms itself. So the warm-up stops at the first real session, never beside one.
 *
 * <p>Nothing of it can reach a caller or the books: its listeners are on 127.0.0.1 ports the answers of the
 * real server never name; its RTP ports are outside the configured range; its sessions have their own
 * registry, executors, a silent engine and a prompt cache in a temporary directory of their own (deleted after),
 * and no observers (metrics, SPEAK and synthesis records); its SIP loop is left out of {@link SipTraffic}; and
 * every log line of its threads is dropped while it runs. It stops when the real server has a session or closes
 * (so it never competes with real calls), after {@code rounds} calls, or after {@link #MAX_TIME}, whichever
 * comes first.
 */
final class WarmUp implements Runnable {

    /** System property: synthetic calls at start-up (0 turns the warm-up off). */
    static final String ROUNDS_PROPERTY = "voxcpm.warmup.rounds";
    static final int DEFAULT_ROUNDS = 6000;
    static final Duration MAX_TIME = Duration.ofSeconds(60);
    /** Callers at once: a lone caller waits out every hop between the loops and each SPEAK's audio instead of compiling. */
    private static final int CALLERS = 8;
    private static final long CACHE_BYTES = 4L << 20;
    /** SPEAK-COMPLETE as soon as the last frame is sent: the margin a real client's playout needs is only waiting here. */
    private static final SynthSettings NO_MARGIN = new SynthSettings(Duration.ZERO, SynthSettings.DEFAULTS.maxPendingSpeaks(),
            SynthSettings.DEFAULTS.maxTextChars());
    private static final String THREAD_PREFIX = "warmup-";

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private final CompletableFuture<?> stop;
    private final BooleanSupplier realCalls;
    private final int rounds;
    private final int rtpMin;
    private final int rtpMax;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile String failure;

    /**
     * @param stop           the warm-up ends when this completes (the real server closing)
     * @param realCalls      true once the real server has a session: the warm-up ends before its next call
     * @param configuredMin  the real server's RTP range, which the warm-up's ports stay out of
     */
    WarmUp(CompletableFuture<?> stop, BooleanSupplier realCalls, int rounds, int configuredMin, int configuredMax) {
        this.stop = stop;
        this.realCalls = realCalls;
        this.rounds = rounds;
        if (configuredMax + 2 + 400 <= 65535) {
            rtpMin = configuredMax + 2;
        } else {
            rtpMin = Math.max(1024, configuredMin - 402);
        }
        rtpMax = rtpMin + 399;
    }

    static int configuredRounds() {
        return Integer.getInteger(ROUNDS_PROPERTY, DEFAULT_ROUNDS);
    }

    /** Starts the warm-up on a daemon thread of its own; completes with the calls made when it has ended. */
    CompletableFuture<Integer> start() {
        Thread t = new Thread(this, "warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return done;
    }

    @Override
    public void run() {
        if (rounds <= 0 || stopped()) {
            done.complete(0);
            return;
        }
        long started = System.nanoTime();
        Mute mute = Mute.install();
        ThreadFactory threads = new DefaultThreadFactory(THREAD_PREFIX, true);
        ThreadFactory sipThreads = r -> {
            Thread t = threads.newThread(r);
            SipTraffic.uncount(t);
            return t;
        };
        InetAddress loopback = InetAddress.getLoopbackAddress();
        MediaClock clock = null;
        IoEventLoopGroup mrcpLoops = null;
        MrcpServer mrcp = null;
        EventExecutorGroup synth = null;
        Path cacheDir = null;
        SpeechEngine engine = null;
        SessionManager sessions = null;
        SipServer sip = null;
        String why = "done";
        try {
            clock = new MediaClock(1, threads);
            mrcpLoops = new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
            MrcpChannelRegistry registry = new MrcpChannelRegistry();
            mrcp = MrcpServer.builder(registry).bindAddress(new InetSocketAddress(loopback, 0))
                    .eventLoopGroup(mrcpLoops, NioServerSocketChannel.class).start();
            synth = new DefaultEventExecutorGroup(1, threads);
            cacheDir = Files.createTempDirectory("voxcpm-warmup-");
            engine = new CachingEngine(new SilentEngine(synth), PromptCache.open(cacheDir, CACHE_BYTES), "warm-up");
            SpeakPlanning planning = new SpeakPlanning(VoiceCatalog.EMPTY, Map.of(), false, PromptAudio.NONE,
                    new FrameTier(CACHE_BYTES));
            sessions = new SessionManager(new SessionManager.Settings(64, mrcp.port(), loopback.getHostAddress()),
                    registry, new RtpMedia(clock, new RtpPortAllocator(loopback, rtpMin, rtpMax)),
                    engine, NO_MARGIN, planning, synth);
            sip = SipServer.start(SipConfig.defaults().withBindAddress(loopback.getHostAddress()).withPort(0),
                    sessions, null, sipThreads);
            long deadline = started + MAX_TIME.toNanos();
            int port = sip.udpPort();
            List<CompletableFuture<Void>> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                callers.add(CompletableFuture.runAsync(() -> callUntilDone(loopback, port, deadline), threads(c)));
            }
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
            why = failure != null ? failure : stop.isDone() ? "the server closed"
                    : realCalls.getAsBoolean() ? "a call came in" : completed.get() >= rounds ? "all done" : "time is up";
        } catch (Exception | LinkageError e) {
            why = e.toString();
        } finally {
            if (sip != null) {
                sip.close();
            }
            if (sessions != null) {
                sessions.close();
            }
            if (mrcp != null) {
                mrcp.close();
            }
            if (mrcpLoops != null) {
                mrcpLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            if (engine != null) {
                engine.close();
            }
            if (synth != null) {
                synth.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            deleteQuietly(cacheDir);
            if (clock != null) {
                clock.close();
            }
            SipTraffic.uncount(null);
            mute.remove();
        }
        log.info("start-up warm-up: {} synthetic calls in {} ms ({})", completed.get(),
                (System.nanoTime() - started) / 1_000_000, why);
        done.complete(completed.get());
    }

    /** One caller's calls; a call that fails (a reply lost or late on a starved machine) is skipped, three in a row end it. */
    private void callUntilDone(InetAddress loopback, int sipPort, long deadline) {
        try (WarmUpCalls calls = new WarmUpCalls(loopback, sipPort)) {
            int failedInARow = 0;
            int n;
            while ((n = made.getAndIncrement()) < rounds && !stopped() && System.nanoTime() < deadline) {
                try {
                    calls.call(n);
                    completed.incrementAndGet();
                    failedInARow = 0;
                } catch (IOException | RuntimeException e) {
                    if (++failedInARow == 3) {
                        failure = e.toString();
                        return;
                    }
                }
            }
        } catch (IOException e) {
            failure = e.toString();
        }
    }

    private boolean stopped() {
        return stop.isDone() || realCalls.getAsBoolean();
    }

    /** The warm-up's prompt cache holds a few small entries of silence; what cannot be deleted is left to the OS. */
    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("warm-up cache {} not deleted: {}", dir, e.toString());
        }
    }

    /** Runs one caller on a thread of its own, named so that the log leaves it out too. */
    private static Executor threads(int caller) {
        return task -> {
            Thread t = new Thread(task, THREAD_PREFIX + "caller-" + caller);
            t.setDaemon(true);
            t.start();
        };
    }

    /** Drops every log event of the warm-up's threads while installed (logback only; else nothing). */
    private static final class Mute extends TurboFilter {

        static Mute install() {
            Mute mute = new Mute();
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                mute.start();
                context.addTurboFilter(mute);
            }
            return mute;
        }

        void remove() {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
                context.getTurboFilterList().remove(this);
            }
        }

        @Override
        public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, ch.qos.logback.classic.Level level,
                                  String format, Object[] params, Throwable t) {
            // "warmup" itself too: it opens the warm-up's prompt cache; its summary is logged after the mute is off
            return Thread.currentThread().getName().startsWith("warmup") ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
