package io.voxcpm.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.mrcp.synth.SynthesizerChannel;
import io.voxcpm.rtp.RtpAudioChannel;
import io.voxcpm.sdp.SdpAnswer;
import io.voxcpm.sdp.SdpException;
import io.voxcpm.sip.SipCall;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synthesizer session: it owns its RTP channel, its synthesizer, the executor both live on, its MRCP
 * channel registration and its timers, and closes them in one order ({@link #close}). It is also the MRCP
 * resource its channel routes to.
 *
 * <p>It ends in one of three ways: the client ends it (BYE, CANCEL, a re-INVITE removing the channel: the
 * manager calls {@link #close}); the client is gone (its MRCP connection closed and no BYE came within the
 * termination timeout); or a limit ends it (no MRCP request within the first-request timeout, none for the
 * idle timeout after the last SPEAK, the maximum duration). In the last two the session hangs up: its SIP
 * dialog gets a BYE saying why, and the log line says the same.
 *
 * <p>Threads: timers and their fields live on the executor; the answer and its spec change only on the SIP
 * loop; {@link #close} may come from either and runs once.
 */
final class Session implements MrcpResource {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    /**
     * @param firstRequest how long after the INVITE the first MRCP request may take
     * @param idleAfterUse how long a session that has been used may go without a request while not speaking
     * @param termination  how long after its MRCP connection closed a session waits for a BYE
     * @param maxDuration  the longest a session lives, whatever it does
     */
    record Timeouts(Duration firstRequest, Duration idleAfterUse, Duration termination, Duration maxDuration) { }

    final SipCall call;
    final String sessionId;
    final String logTag;
    final String channelId;
    private final OfferNegotiation.Media media;
    private final RtpAudioChannel audio;
    private final SynthesizerChannel synthesizer;
    private final EventExecutor executor;
    private final MrcpChannelRegistry channels;
    private final Timeouts timeouts;
    private final Predicate<InetAddress> mrcpPeer;
    private final Consumer<Session> onClosed;
    private final AtomicInteger liveTimers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long openedNanos = System.nanoTime();
    private final Instant openedAt = Instant.now();
    /** On the executor's clock, which the timers run on. */
    private final long openedTicks;

    // the answer and what it was built from change only on the SIP loop (a re-INVITE's hold/resume)
    private SdpAnswer.Spec spec;
    private String answer;

    // executor only
    private ScheduledFuture<?> limitTimer;
    private ScheduledFuture<?> terminationTimer;

    // shared with the MRCP threads
    /**
     * Written by the executor, read by the MRCP threads: once the session is used, a request only stamps
     * {@link #lastUseTicks} where it arrives, with no task on the executor (a SPEAK burst would otherwise wake
     * that thread once per request just to write a time).
     */
    private volatile boolean used;
    /**
     * Set by the MRCP thread that saw a connection close, before the executor hears of it, and never cleared:
     * from then on every request goes to the executor, which calls a pending termination off. Rare enough.
     */
    private volatile boolean connectionLost;
    /** When the last request arrived (written on any thread) or the last SPEAK played (on the executor). */
    private volatile long lastUseTicks;

    /**
     * @param audio      the session's RTP channel, already open; the session closes it
     * @param synthesizer the session's synthesizer, living on {@code executor}
     * @param mrcpPeer   which hosts may carry the session's MRCP channel
     * @param onClosed   told once, when the session closes (the manager forgets it)
     * @param liveTimers the manager's count of timers scheduled and not yet fired or cancelled
     */
    Session(SipCall call, String sessionId, String channelId, OfferNegotiation.Media media, SdpAnswer.Spec spec,
            RtpAudioChannel audio, SynthesizerChannel synthesizer, EventExecutor executor,
            MrcpChannelRegistry channels, Timeouts timeouts, Predicate<InetAddress> mrcpPeer,
            Consumer<Session> onClosed, AtomicInteger liveTimers) {
        this.call = call;
        this.sessionId = sessionId;
        this.logTag = "[" + sessionId + " " + call.callId() + "]";
        this.channelId = channelId;
        this.media = media;
        this.spec = spec;
        this.answer = SdpAnswer.build(spec);
        this.audio = audio;
        this.synthesizer = synthesizer;
        this.executor = executor;
        this.channels = channels;
        this.timeouts = timeouts;
        this.mrcpPeer = mrcpPeer;
        this.onClosed = onClosed;
        this.liveTimers = liveTimers;
        this.openedTicks = executor.ticker().nanoTime();
        audio.setSending(media.sending());
    }

    /** Registers the MRCP channel and starts the clocks; the session is live from here on. */
    void start() {
        channels.register(channelId, this, media.offer().synthControl().tls());
        executor.execute(() -> {
            if (!closed.get()) {
                limitTimer = schedule(this::checkLimits, Math.min(timeouts.firstRequest().toNanos(),
                        timeouts.maxDuration().toNanos()));
            }
        });
    }

    String answer() {
        return answer;
    }

    /** What admin and metrics see of a live session. */
    /** Whether a SPEAK is playing or paused; any thread, a moment's view. */
    boolean speaking() {
        return synthesizer.speaking();
    }

    SessionInfo info() {
        return new SessionInfo(sessionId, call.callId(), call.remote(), call.transport(), call.userAgent(),
                media.describe(), openedAt);
    }

    /**
     * A re-INVITE's offer: the next answer, or the session's end when the offer removes the channel. The
     * caller closes the session when {@link OfferNegotiation.Reoffer#releases()}.
     */
    OfferNegotiation.Reoffer reoffer(String sdpOffer) throws SdpException {
        OfferNegotiation.Reoffer next = OfferNegotiation.reoffer(spec, sdpOffer);
        if (next.releases()) {
            log.info("{} re-INVITE removes the synthesizer channel", logTag);
        } else if (next.spec() != spec) {
            spec = next.spec();
            answer = next.answer();
            audio.setSending(next.sending());
            log.info("{} re-INVITE: RTP {} ({})", logTag, next.sending() ? "resumed" : "stopped",
                    spec.offer().synthAudio().direction());
        } else {
            log.debug("{} re-INVITE answered with the unchanged session", logTag);
        }
        return next;
    }

    @Override
    public boolean acceptsFrom(InetAddress peer) {
        if (mrcpPeer.test(peer)) {
            return true;
        }
        log.warn("{} MRCP request for this session from {} refused: neither the SIP peer {} nor in "
                + "media.allowed-networks", logTag, peer.getHostAddress(), call.remote().getAddress().getHostAddress());
        return false;
    }

    @Override
    public void onRequest(MrcpRequest request, MrcpConnection connection) {
        lastUseTicks = executor.ticker().nanoTime();
        if (used && !connectionLost) {
            synthesizer.onRequest(request, connection);
            return;
        }
        executor.execute(() -> {
            if (!used && !closed.get()) {
                used = true; // from now on the idle limit counts from the last request: check it in time
                limitTimer = cancel(limitTimer);
                checkLimits();
            }
            if (terminationTimer != null) {
                log.info("{} MRCP requests again on {}: termination called off", logTag, connection);
                terminationTimer = cancel(terminationTimer);
            }
        });
        synthesizer.onRequest(request, connection);
    }

    @Override
    public void onConnectionClosed(MrcpConnection connection) {
        connectionLost = true;
        synthesizer.onConnectionClosed(connection);
        executor.execute(() -> {
            if (terminationTimer == null && !closed.get()) {
                terminationTimer = schedule(() -> hangUp("MRCP connection closed and no BYE within "
                        + timeouts.termination().toMillis() + " ms"), timeouts.termination().toNanos());
            }
        });
    }

    /** The one timer of the limits: the first request, idleness after the last SPEAK, the maximum duration. */
    private void checkLimits() {
        limitTimer = null;
        long now = executor.ticker().nanoTime();
        long age = now - openedTicks;
        if (age >= timeouts.maxDuration().toNanos()) {
            hangUp("maximum session duration of " + timeouts.maxDuration().toSeconds() + " s reached");
            return;
        }
        long idleDeadline;
        if (!used) {
            if (age >= timeouts.firstRequest().toNanos()) {
                hangUp("no MRCP request within " + timeouts.firstRequest().toSeconds() + " s of the INVITE");
                return;
            }
            idleDeadline = openedTicks + timeouts.firstRequest().toNanos();
        } else {
            if (synthesizer.speaking()) {
                lastUseTicks = now; // a long prompt sends no MRCP for minutes: the idle time starts when it ends
            }
            if (now - lastUseTicks >= timeouts.idleAfterUse().toNanos()) {
                hangUp("no MRCP request for " + timeouts.idleAfterUse().toSeconds() + " s after the last SPEAK");
                return;
            }
            idleDeadline = lastUseTicks + timeouts.idleAfterUse().toNanos();
        }
        long next = Math.min(idleDeadline, openedTicks + timeouts.maxDuration().toNanos());
        limitTimer = schedule(this::checkLimits, Math.max(1, next - now));
    }

    /** The server ends the session: the client's dialog gets a BYE saying why. */
    void hangUp(String why) {
        if (closed.get()) {
            return;
        }
        log.warn("{} session ended by the server: {}", logTag, why);
        call.hangUp(why);
        close(why);
    }

    /**
     * Ends the session, once, in this order: the manager forgets it, its timers stop, its MRCP channel is
     * unregistered (new requests meet 405), the synthesizer stops, and the RTP port closes only after the
     * synthesizer has stopped on the executor, so a request queued there never meets a closed port.
     */
    boolean close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        onClosed.accept(this);
        onExecutor(() -> {
            limitTimer = cancel(limitTimer);
            terminationTimer = cancel(terminationTimer);
        });
        channels.unregister(channelId);
        long lastedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
        // the call's one INFO line, logged once the SPEAKs this close ends are counted in its summary
        synthesizer.close(speaks -> log.info("{} session closed ({}) after {} ms: {} from {} via {}, RTP to {}; {}",
                logTag, why, lastedMillis, call.userAgent() == null ? "client" : call.userAgent(), call.remote(),
                call.transport(), media.describe(), speaks));
        onExecutor(audio::close);
        return true;
    }

    private void onExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {  // shutting down: nothing else runs there any more
            task.run();
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        liveTimers.incrementAndGet();
        return executor.schedule(() -> {
            liveTimers.decrementAndGet();
            task.run();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
        if (timer != null && timer.cancel(false)) {
            liveTimers.decrementAndGet();
        }
        return null;
    }

    @Override
    public String toString() {
        return logTag;
    }
}
