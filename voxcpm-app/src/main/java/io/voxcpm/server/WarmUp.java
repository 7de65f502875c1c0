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
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.session.SessionManager;
import io.voxcpm.sip.SipConfig;
import io.voxcpm.sip.SipServer;
import io.voxcpm.sip.SipTraffic;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Runs synthetic calls through a private copy of the call pipeline while the engine loads, so that the first
 * real burst of INVITEs and SPEAKs meets compiled code instead of the interpreter: JAIN-SIP parsing, SDP
 * negotiation, session set-up, MRCP decoding and encoding, SPEAK admission, RTP start, STOP, BYE. The JIT
 * compiles methods, not instances, so a second SIP server, MRCP listener, media clock and session layer on
 * loopback ephemeral ports warm the code the real ones run.
 *
 * <p>Nothing of it can reach a caller or the books: its listeners are on 127.0.0.1 ports the answers of the
 * real server never name; its RTP ports are outside the configured range; its sessions have their own
 * registry, executors and a silent engine of their own, and no observers (metrics, SPEAK and synthesis
 * records); its SIP loop is left out of {@link SipTraffic}; and every log line of its threads is dropped while it
 * runs. It stops when the real server is ready (so it never competes with real calls), after {@code rounds}
 * calls, or after {@link #MAX_TIME}, whichever comes first.
 */
final class WarmUp implements Runnable {

    /** System property: synthetic calls at start-up (0 turns the warm-up off). */
    static final String ROUNDS_PROPERTY = "voxcpm.warmup.rounds";
    static final int DEFAULT_ROUNDS = 3000;
    static final Duration MAX_TIME = Duration.ofSeconds(20);
    private static final String THREAD_PREFIX = "warmup-";

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private final CompletableFuture<?> stop;
    private final int rounds;
    private final int rtpMin;
    private final int rtpMax;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private int completed;

    /**
     * @param stop           the warm-up ends when this completes (the real server's readiness)
     * @param configuredMin  the real server's RTP range, which the warm-up's ports stay out of
     */
    WarmUp(CompletableFuture<?> stop, int rounds, int configuredMin, int configuredMax) {
        this.stop = stop;
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
        if (rounds <= 0 || stop.isDone()) {
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
            sessions = new SessionManager(new SessionManager.Settings(64, mrcp.port(), loopback.getHostAddress()),
                    registry, new RtpMedia(clock, new RtpPortAllocator(loopback, rtpMin, rtpMax)),
                    new SilentEngine(synth), SynthSettings.DEFAULTS, SpeakPlanning.DEFAULTS, synth);
            sip = SipServer.start(SipConfig.defaults().withBindAddress(loopback.getHostAddress()).withPort(0),
                    sessions, null, sipThreads);
            long deadline = started + MAX_TIME.toNanos();
            try (WarmUpCalls calls = new WarmUpCalls(loopback, sip.udpPort())) {
                while (completed < rounds && !stop.isDone() && System.nanoTime() < deadline) {
                    calls.call(completed);
                    completed++;
                }
            }
            why = stop.isDone() ? "the server is ready" : completed >= rounds ? "all done" : "time is up";
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
            if (synth != null) {
                synth.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            if (clock != null) {
                clock.close();
            }
            SipTraffic.uncount(null);
            mute.remove();
        }
        log.info("start-up warm-up: {} synthetic calls in {} ms ({})", completed,
                (System.nanoTime() - started) / 1_000_000, why);
        done.complete(completed);
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
            return Thread.currentThread().getName().startsWith(THREAD_PREFIX) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
