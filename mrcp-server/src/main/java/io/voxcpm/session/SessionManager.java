package io.voxcpm.session;

import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.mrcp.synth.SynthesizerChannel;
import io.voxcpm.rtp.RtpAudioChannel;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortsExhaustedException;
import io.voxcpm.sdp.AudioCodec;
import io.voxcpm.sdp.ConnectionType;
import io.voxcpm.sdp.MrcpOffer;
import io.voxcpm.sdp.SdpAnswer;
import io.voxcpm.sdp.SdpException;
import io.voxcpm.sdp.SdpOffers;
import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;
import io.voxcpm.sip.SipCall;
import io.voxcpm.text.LogSafe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIP dialogs into synthesizer sessions: an offer becomes an RTP stream, a registered MRCP channel
 * and an SDP answer; the end of the dialog releases all three.
 *
 * <p>A session also ends without a BYE when its client is gone: its MRCP connection closed and no BYE came
 * within the termination timeout (UniMRCP's {@code termination-timeout}, so a BYE racing the TCP close
 * wins), or its MRCP channel was never used within the idle timeout (the client never connected). Such a
 * session's SIP dialog is forgotten, so the dialog table does not fill up; a late BYE then gets 481. BYE
 * and TCP close in either order release everything exactly once.
 */
public final class SessionManager implements SipApplication, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
    private static final String SYNTH_RESOURCE = "speechsynth";

    /**
     * @param maxSessions           concurrent sessions; beyond that INVITEs get 480
     * @param mrcpPort              the MRCP listening port announced in answers
     * @param advertisedAddress     the address announced in answers, or null for the one the INVITE arrived on
     * @param maxSessionsPerAddress concurrent sessions from one client IP; beyond that its INVITEs get 480
     * @param terminationTimeout    how long after its MRCP connection closed a session waits for a BYE
     * @param idleTimeout           how long a session waits for its first MRCP request
     * @param mediaDestinations     where RTP may go besides the INVITE's source address
     * @param mrcpTlsPort           the MRCPv2-over-TLS port announced to offers of {@code TCP/TLS/MRCPv2};
     *                              -1: no TLS, such offers get 488
     */
    public record Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                           Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations,
                           int mrcpTlsPort) {

        public Settings {
            Objects.requireNonNull(mediaDestinations, "mediaDestinations");
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    mediaDestinations, -1);
        }

        /** The port for the transport the offer asked for (RFC 6787 §4.2: the answer keeps the offer's proto). */
        int mrcpPortFor(MrcpOffer offer) {
            return offer.synthControl().tls() ? mrcpTlsPort : mrcpPort;
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    MediaDestinations.signallingSourceOnly());
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessions, Duration.ofSeconds(3), Duration.ofSeconds(60));
        }
    }

    private final Settings settings;
    private final MrcpChannelRegistry channels;
    private final RtpMedia media;
    private final SpeechEngine engine;
    private final SynthSettings synthSettings;
    private final SpeakPlanning planning;
    private final EventExecutorGroup executors;
    private final Map<String, Session> sessionsByCallId = new ConcurrentHashMap<>();
    private final AtomicInteger liveTimers = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile Consumer<SipCall> dialogForgetter = call -> { };

    public SessionManager(Settings settings, MrcpChannelRegistry channels, RtpMedia media, SpeechEngine engine,
                          SynthSettings synthSettings, SpeakPlanning planning, EventExecutorGroup executors) {
        this.settings = settings;
        this.channels = channels;
        this.media = media;
        this.engine = engine;
        this.synthSettings = synthSettings;
        this.planning = Objects.requireNonNull(planning, "planning");
        this.executors = executors;
    }

    /** What ends a session's SIP dialog when the session ends without a BYE (e.g. {@code SipServer::forget}). */
    public void forgetDialogsWith(Consumer<SipCall> forgetter) {
        this.dialogForgetter = Objects.requireNonNull(forgetter);
    }

    public int sessionCount() {
        return sessionsByCallId.size();
    }

    /** Termination and idle timers scheduled and not yet fired or cancelled (leak checks). */
    public int pendingTimerCount() {
        return liveTimers.get();
    }

    @Override
    public InviteOutcome onInvite(SipCall call, String sdpOffer) {
        MrcpOffer offer;
        AudioCodec codec;
        InetSocketAddress rtpTarget;
        try {
            offer = SdpOffers.parse(sdpOffer);
            if (offer.releasesChannel()) {
                throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                        "the offer's speechsynth control line has port 0: nothing to set up");
            }
            if (offer.synthControl().tls() && settings.mrcpTlsPort() < 0) {
                throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                        "MRCPv2 over TLS (TCP/TLS/MRCPv2) is not configured here (security.tls); offer TCP/MRCPv2");
            }
            codec = offer.negotiateCodec();
            rtpTarget = settings.mediaDestinations().destination(offer.synthAudio(), call.remote().getAddress());
        } catch (SdpException e) {
            log.warn("[- {}] INVITE from {} refused {}: {}", LogSafe.clean(call.callId()), call.remote(),
                    e.sipStatus(), LogSafe.clean(e.getMessage()));
            return reject(e);
        }
        if (sessionsByCallId.size() >= settings.maxSessions()) {
            log.warn("[- {}] INVITE refused 480: {} sessions, the configured maximum (synth.max-sessions)",
                    call.callId(), settings.maxSessions());
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        }
        InetAddress source = call.remote().getAddress();
        long fromSource = sessionsByCallId.values().stream().filter(s -> s.call.remote().getAddress().equals(source))
                .count();
        if (fromSource >= settings.maxSessionsPerAddress()) {
            log.warn("[- {}] INVITE refused 480: {} already has {} sessions (synth.max-sessions-per-address)",
                    call.callId(), source.getHostAddress(), fromSource);
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        }
        TelephonyFormat format = formatOf(codec);
        int ptime = offer.ptime();
        String sessionId = newSessionId();
        String logTag = "[" + sessionId + " " + call.callId() + "]";
        RtpAudioChannel audio;
        try {
            audio = media.open(sessionId, rtpTarget, codec.payloadType(), codec.clockRate(), ptime,
                    format.bytesPerFrame(ptime));
        } catch (RtpPortsExhaustedException e) {
            log.warn("{} INVITE refused 480: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        } catch (IllegalArgumentException e) {
            log.warn("{} INVITE refused 488: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(488, "Not Acceptable Here");
        }
        boolean sending = MediaDestinations.clientReceives(offer.synthAudio());
        audio.setSending(sending);
        // an existing connection of the client's may be plain TCP: a TLS channel always gets a new one
        ConnectionType connection = offer.requestedConnection() == ConnectionType.EXISTING
                && !offer.synthControl().tls() && channels.hasConnectionFrom(source)
                ? ConnectionType.EXISTING : ConnectionType.NEW;
        SdpAnswer.Spec spec = new SdpAnswer.Spec(offer, codec, localAddress(call), settings.mrcpPortFor(offer),
                sessionId, connection, audio.localPort());
        String answer = SdpAnswer.build(spec);
        String channelId = sessionId + "@" + SYNTH_RESOURCE;
        SynthesizerChannel synthesizer = new SynthesizerChannel(channelId, logTag, engine, audio, format, ptime,
                synthSettings, planning, executors.next());
        Session session = new Session(call, sessionId, logTag, spec, answer, audio, synthesizer,
                codec.encodingName() + "/" + codec.clockRate() + " ptime " + ptime + " " + rtpTarget
                        + (sending ? "" : " (not sending)"));
        Session previous = sessionsByCallId.putIfAbsent(call.callId(), session);
        if (previous != null) {
            // a second INVITE with a Call-ID we already serve but no To-tag: a broken client, not a refresh
            audio.close();
            log.warn("{} INVITE refused 482: Call-ID already in use by session {}", logTag, previous.sessionId);
            return new InviteOutcome.Reject(482, "Loop Detected");
        }
        channels.register(channelId, session);
        session.armIdleTimer();
        // INFO has one line per call, when it ends (plus one per SPEAK): this one is for DEBUG
        log.debug("{} session opened: {} from {} via {}, {} {}/{} ptime {} to {}{}, RTP from port {}, connection:{}",
                logTag, channelId, call.userAgent() == null ? "client" : call.userAgent(), call.remote(),
                call.transport(), codec.encodingName(), codec.clockRate(), ptime, rtpTarget,
                sending ? "" : " (" + offer.synthAudio().direction() + ": not sending)", audio.localPort(),
                connection.sdpValue());
        return new InviteOutcome.Accept(answer);
    }

    @Override
    public InviteOutcome onReinvite(SipCall call, String sdpOffer) {
        Session session = sessionsByCallId.get(call.callId());
        if (session == null) {
            return new InviteOutcome.Reject(481, "Call/Transaction Does Not Exist");
        }
        MrcpOffer offer;
        try {
            offer = SdpOffers.parse(sdpOffer);
            if (offer.releasesChannel()) {
                log.info("{} re-INVITE removes the synthesizer channel", session.logTag);
                release(call.callId(), "channel removed by re-INVITE");
                return new InviteOutcome.Accept(session.answer.replaceFirst(
                        "(?m)^m=application \\d+ ", "m=application 0 "));
            }
            if (offer.synthControl().tls() != session.spec.offer().synthControl().tls()) {
                throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                        "a re-INVITE cannot move the MRCP channel between TCP and TLS: start a new session");
            }
        } catch (SdpException e) {
            log.warn("{} re-INVITE refused {}: {}", session.logTag, e.sipStatus(), LogSafe.clean(e.getMessage()));
            return reject(e);
        }
        // Session-timer refreshes repeat the offer and get a byte-identical answer. Of media changes only the
        // direction is followed (hold and resume, RFC 3264 §8.4); the RTP address and codec stay as negotiated.
        boolean sending = MediaDestinations.clientReceives(offer.synthAudio());
        if (sending != session.sending) {
            session.sending = sending;
            session.audio.setSending(sending);
            SdpAnswer.Spec was = session.spec;
            session.spec = new SdpAnswer.Spec(offer, was.codec(), was.localAddress(), was.mrcpPort(),
                    was.channelId(), was.connection(), was.rtpPort(), was.ptime(), was.sessionVersion() + 1);
            session.answer = SdpAnswer.build(session.spec);
            log.info("{} re-INVITE: RTP {} ({})", session.logTag, sending ? "resumed" : "stopped",
                    offer.synthAudio().direction());
            return new InviteOutcome.Accept(session.answer);
        }
        log.info("{} re-INVITE answered with the unchanged session", session.logTag);
        return new InviteOutcome.Accept(session.answer);
    }

    @Override
    public String capabilities(String localAddress) {
        return SdpAnswer.capabilities(localAddress);
    }

    @Override
    public void onTerminated(SipCall call, TerminationReason reason) {
        release(call.callId(), reason.name().toLowerCase(Locale.ROOT));
    }

    private boolean release(String callId, String why) {
        Session session = sessionsByCallId.remove(callId);
        if (session == null) {
            return false;
        }
        session.cancelTimers();
        channels.unregister(session.synthesizer.channelId());
        session.synthesizer.close();
        // after the synthesizer has stopped on its executor, so a request queued there never meets a closed port
        try {
            session.synthesizer.executor().execute(session.audio::close);
        } catch (RejectedExecutionException e) {
            session.audio.close();
        }
        log.info("{} session closed ({}) after {} ms: {} from {} via {}, RTP to {}", session.logTag, why,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - session.openedNanos),
                session.call.userAgent() == null ? "client" : session.call.userAgent(), session.call.remote(),
                session.call.transport(), session.media);
        return true;
    }

    /** Ends a session the client has abandoned, and the SIP dialog with it. */
    private void reap(Session session, String why) {
        if (sessionsByCallId.get(session.call.callId()) != session) {
            return;
        }
        log.warn("{} session reaped: {}", session.logTag, why);
        // the dialog goes first: once the session is gone, a BYE must meet no dialog (481), not one still open
        dialogForgetter.accept(session.call);
        release(session.call.callId(), why);
    }

    /**
     * A live session as the admin API lists it.
     *
     * @param ageMs since the INVITE was answered
     * @param media codec, ptime and where the RTP goes
     */
    public record SessionInfo(String sessionId, String callId, String remote, String transport, String userAgent,
                              long ageMs, String media) { }

    /** Every live session, oldest first (admin hook; the admin API owns how it is shown). */
    public List<SessionInfo> sessions() {
        long now = System.nanoTime();
        return sessionsByCallId.values().stream()
                .sorted(java.util.Comparator.comparingLong(s -> s.openedNanos))
                .map(s -> new SessionInfo(s.sessionId, s.call.callId(), String.valueOf(s.call.remote()),
                        s.call.transport(), s.call.userAgent(), TimeUnit.NANOSECONDS.toMillis(now - s.openedNanos), s.media))
                .toList();
    }

    /**
     * Ends a session at an operator's request, as an abandoned one is reaped: its dialog is forgotten (a later BYE
     * gets 481) and its RTP and MRCP channel are released. Returns false when no session has that id.
     */
    public boolean terminate(String sessionId, String why) {
        for (Session s : sessionsByCallId.values()) {
            if (s.sessionId.equals(sessionId)) {
                reap(s, why);
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (String callId : sessionsByCallId.keySet()) {
            release(callId, "shutdown");
        }
    }

    private String localAddress(SipCall call) {
        if (settings.advertisedAddress() != null && !settings.advertisedAddress().isBlank()) {
            return settings.advertisedAddress();
        }
        return call.local().getAddress().getHostAddress();
    }

    private String newSessionId() {
        byte[] bytes = new byte[8];
        String id;
        do {
            random.nextBytes(bytes);
            id = HexFormat.of().formatHex(bytes);
        } while (channels.resource(id + "@" + SYNTH_RESOURCE).isPresent());
        return id;
    }

    static TelephonyFormat formatOf(AudioCodec codec) {
        return switch (codec.encodingName().toUpperCase(Locale.ROOT)) {
            case "PCMU" -> TelephonyFormat.PCMU_8K;
            case "PCMA" -> TelephonyFormat.PCMA_8K;
            case "L16" -> codec.clockRate() == 16000 ? TelephonyFormat.L16_16K : TelephonyFormat.L16_8K;
            case "G722" -> TelephonyFormat.G722_16K; // 16 kHz audio on an 8000 Hz RTP clock
            default -> throw new IllegalArgumentException("no telephony format for " + codec);
        };
    }

    private static InviteOutcome.Reject reject(SdpException e) {
        String warning = e.warnCode() == 0 ? null
                : e.warnCode() + " voxcpm-mrcp \"" + LogSafe.quotable(e.getMessage()) + "\"";
        return new InviteOutcome.Reject(e.sipStatus(), reasonPhrase(e.sipStatus()), warning);
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 415 -> "Unsupported Media Type";
            case 480 -> "Temporarily Unavailable";
            case 488 -> "Not Acceptable Here";
            default -> "Error";
        };
    }

    /**
     * One live session, and the MRCP resource the registry routes its channel to: it passes requests to
     * the synthesizer and keeps the session's two timers. Timer fields are touched only on the
     * synthesizer's executor.
     */
    private final class Session implements MrcpResource {
        final SipCall call;
        final String sessionId;
        final String logTag;
        // the answer and what it was built from change only on the SIP loop (a re-INVITE's hold/resume)
        SdpAnswer.Spec spec;
        String answer;
        boolean sending;
        final RtpAudioChannel audio;
        final SynthesizerChannel synthesizer;
        /** For the closing line: codec, ptime and where the RTP goes. */
        final String media;
        final long openedNanos = System.nanoTime();
        private ScheduledFuture<?> idleTimer;
        private ScheduledFuture<?> terminationTimer;
        private boolean used;

        Session(SipCall call, String sessionId, String logTag, SdpAnswer.Spec spec, String answer,
                RtpAudioChannel audio, SynthesizerChannel synthesizer, String media) {
            this.call = call;
            this.media = media;
            this.sessionId = sessionId;
            this.logTag = logTag;
            this.spec = spec;
            this.answer = answer;
            this.sending = MediaDestinations.clientReceives(spec.offer().synthAudio());
            this.audio = audio;
            this.synthesizer = synthesizer;
        }

        @Override
        public void onRequest(MrcpRequest request, MrcpConnection connection) {
            synthesizer.executor().execute(() -> {
                used = true;
                idleTimer = cancel(idleTimer);
                if (terminationTimer != null) {
                    log.info("{} MRCP requests again on {}: termination called off", logTag, connection);
                    terminationTimer = cancel(terminationTimer);
                }
            });
            synthesizer.onRequest(request, connection);
        }

        @Override
        public void onConnectionClosed(MrcpConnection connection) {
            synthesizer.onConnectionClosed(connection);
            synthesizer.executor().execute(() -> {
                if (terminationTimer == null && sessionsByCallId.get(call.callId()) == this) {
                    terminationTimer = schedule(() -> reap(this, "MRCP connection closed and no BYE within "
                            + settings.terminationTimeout().toMillis() + " ms"), settings.terminationTimeout());
                }
            });
        }

        void armIdleTimer() {
            synthesizer.executor().execute(() -> {
                if (!used && sessionsByCallId.get(call.callId()) == this) {
                    idleTimer = schedule(() -> reap(this, "no MRCP request within "
                            + settings.idleTimeout().toSeconds() + " s of the INVITE"), settings.idleTimeout());
                }
            });
        }

        void cancelTimers() {
            synthesizer.executor().execute(() -> {
                idleTimer = cancel(idleTimer);
                terminationTimer = cancel(terminationTimer);
            });
        }

        private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
            liveTimers.incrementAndGet();
            AtomicInteger once = new AtomicInteger();
            return synthesizer.executor().schedule(() -> {
                if (once.getAndIncrement() == 0) {
                    liveTimers.decrementAndGet();
                }
                task.run();
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
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
}
