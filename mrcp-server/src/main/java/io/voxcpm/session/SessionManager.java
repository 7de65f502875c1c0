package io.voxcpm.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.mrcp.synth.SynthesizerChannel;
import io.voxcpm.rtp.RtpAudioChannel;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortsExhaustedException;
import io.voxcpm.sdp.ConnectionType;
import io.voxcpm.sdp.SdpAnswer;
import io.voxcpm.sdp.SdpException;
import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;
import io.voxcpm.sip.SipCall;
import io.voxcpm.text.LogSafe;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIP dialogs into synthesizer sessions: an offer becomes a {@link Session} (an RTP stream, a registered
 * MRCP channel, a synthesizer) and an SDP answer; the end of the dialog closes the session. Admission is
 * decided here: the global and per-address session caps. What a session does over its life, and how it ends
 * on its own, is the session's (see {@link Session}).
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
     * @param mediaDestinations     where RTP may go (and MRCP may come from) besides the INVITE's source address
     * @param mrcpTlsPort           the MRCPv2-over-TLS port announced to offers of {@code TCP/TLS/MRCPv2};
     *                              -1: no TLS, such offers get 488
     * @param idleAfterUse          how long a used session may go without an MRCP request while not speaking
     * @param maxDuration           the longest a session lives
     */
    public record Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                           Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations,
                           int mrcpTlsPort, Duration idleAfterUse, Duration maxDuration) {

        public static final Duration DEFAULT_IDLE_AFTER_USE = Duration.ofSeconds(600);
        public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(4);

        public Settings {
            Objects.requireNonNull(mediaDestinations, "mediaDestinations");
            Objects.requireNonNull(idleAfterUse, "idleAfterUse");
            Objects.requireNonNull(maxDuration, "maxDuration");
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations,
                        Duration idleAfterUse, Duration maxDuration) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    mediaDestinations, -1, idleAfterUse, maxDuration);
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations,
                        int mrcpTlsPort) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    mediaDestinations, mrcpTlsPort, DEFAULT_IDLE_AFTER_USE, DEFAULT_MAX_DURATION);
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout, MediaDestinations mediaDestinations) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    mediaDestinations, -1);
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress, int maxSessionsPerAddress,
                        Duration terminationTimeout, Duration idleTimeout) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessionsPerAddress, terminationTimeout, idleTimeout,
                    MediaDestinations.signallingSourceOnly());
        }

        public Settings(int maxSessions, int mrcpPort, String advertisedAddress) {
            this(maxSessions, mrcpPort, advertisedAddress, maxSessions, Duration.ofSeconds(3), Duration.ofSeconds(60));
        }

        Session.Timeouts timeouts() {
            return new Session.Timeouts(idleTimeout, idleAfterUse, terminationTimeout, maxDuration);
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
    /** Live sessions per client address, so an INVITE's per-address check is O(1), not a scan of every session. */
    private final Map<InetAddress, Integer> sessionsBySource = new ConcurrentHashMap<>();
    private final AtomicInteger liveTimers = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

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

    public int sessionCount() {
        return sessionsByCallId.size();
    }

    /**
     * Sessions with a SPEAK playing or paused now (what a graceful stop waits for): read from each session's
     * state, so a SPEAK ended by STOP or barge-in, which sends no SPEAK-COMPLETE, is not counted.
     */
    public int speakingSessions() {
        int n = 0;
        for (Session s : sessionsByCallId.values()) {
            if (s.speaking()) {
                n++;
            }
        }
        return n;
    }

    /** Session timers scheduled and not yet fired or cancelled (leak checks). */
    public int pendingTimerCount() {
        return liveTimers.get();
    }

    /** The live sessions, in no particular order. */
    public List<SessionInfo> sessions() {
        return sessionsByCallId.values().stream().map(Session::info).toList();
    }

    /**
     * Ends a live session from the server's side (an operator's request): its dialog gets a BYE saying
     * {@code why}. False when no session has that id.
     */
    public boolean terminate(String sessionId, String why) {
        for (Session session : sessionsByCallId.values()) {
            if (session.sessionId.equals(sessionId)) {
                session.hangUp(why);
                return true;
            }
        }
        return false;
    }

    @Override
    public InviteOutcome onInvite(SipCall call, String sdpOffer) {
        OfferNegotiation.Media negotiated;
        try {
            negotiated = OfferNegotiation.media(sdpOffer, settings.mediaDestinations(), call.remote().getAddress(),
                    settings.mrcpTlsPort() >= 0);
        } catch (SdpException e) {
            log.warn("[- {}] INVITE from {} refused {}: {}", LogSafe.clean(call.callId()), call.remote(),
                    e.sipStatus(), LogSafe.clean(e.getMessage()));
            return reject(e);
        }
        String full = admissionProblem(call.remote().getAddress());
        if (full != null) {
            log.warn("[- {}] INVITE refused 480: {}", LogSafe.clean(call.callId()), full);
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        }
        String sessionId = newSessionId();
        String logTag = "[" + sessionId + " " + call.callId() + "]";
        RtpAudioChannel audio;
        try {
            audio = media.open(sessionId, negotiated.rtpTarget(), negotiated.codec().payloadType(),
                    negotiated.codec().clockRate(), negotiated.ptime(),
                    negotiated.format().bytesPerFrame(negotiated.ptime()));
        } catch (RtpPortsExhaustedException e) {
            log.warn("{} INVITE refused 480: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        } catch (IllegalArgumentException e) {
            log.warn("{} INVITE refused 488: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(488, "Not Acceptable Here");
        }
        InetAddress source = call.remote().getAddress();
        // an existing connection of the client's may be plain TCP: a TLS channel always gets a new one
        boolean tls = negotiated.offer().synthControl().tls();
        ConnectionType connection = negotiated.offer().requestedConnection() == ConnectionType.EXISTING
                && !tls && channels.hasConnectionFrom(source) ? ConnectionType.EXISTING : ConnectionType.NEW;
        SdpAnswer.Spec spec = OfferNegotiation.answer(negotiated, localAddress(call),
                tls ? settings.mrcpTlsPort() : settings.mrcpPort(), sessionId, connection, audio.localPort());
        String channelId = sessionId + "@" + SYNTH_RESOURCE;
        EventExecutor executor = executors.next();
        SynthesizerChannel synthesizer = new SynthesizerChannel(channelId, logTag, source.getHostAddress(), engine,
                audio, negotiated.format(), negotiated.ptime(), synthSettings, planning, executor);
        Session session = new Session(call, sessionId, channelId, negotiated, spec, audio, synthesizer, executor,
                channels, settings.timeouts(), peer -> settings.mediaDestinations().isPeer(peer, source),
                this::forget, liveTimers);
        Session previous = sessionsByCallId.putIfAbsent(call.callId(), session);
        if (previous != null) {
            // a second INVITE with a Call-ID we already serve but no To-tag: a broken client, not a refresh
            audio.close();
            log.warn("{} INVITE refused 482: Call-ID already in use by session {}", logTag, previous.sessionId);
            return new InviteOutcome.Reject(482, "Loop Detected");
        }
        sessionsBySource.merge(source, 1, Integer::sum);
        session.start();
        // INFO has one line per call, when it ends (plus one per SPEAK): this one is for DEBUG
        log.debug("{} session opened: {} from {} via {}, {}, RTP from port {}, connection:{}", logTag, channelId,
                call.userAgent() == null ? "client" : call.userAgent(), call.remote(), call.transport(),
                negotiated.describe(), audio.localPort(), connection.sdpValue());
        return new InviteOutcome.Accept(session.answer());
    }

    /** A closed session leaves the tables (its own close order has already run). */
    private void forget(Session closed) {
        if (sessionsByCallId.remove(closed.call.callId(), closed)) {
            sessionsBySource.computeIfPresent(closed.call.remote().getAddress(), (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Why a new session from {@code source} cannot be admitted now, or null. */
    private String admissionProblem(InetAddress source) {
        if (sessionsByCallId.size() >= settings.maxSessions()) {
            return settings.maxSessions() + " sessions, the configured maximum (synth.max-sessions)";
        }
        int fromSource = sessionsBySource.getOrDefault(source, 0);
        if (fromSource >= settings.maxSessionsPerAddress()) {
            return source.getHostAddress() + " already has " + fromSource + " sessions (synth.max-sessions-per-address)";
        }
        return null;
    }

    @Override
    public InviteOutcome onReinvite(SipCall call, String sdpOffer) {
        Session session = sessionsByCallId.get(call.callId());
        if (session == null) {
            return new InviteOutcome.Reject(481, "Call/Transaction Does Not Exist");
        }
        OfferNegotiation.Reoffer next;
        try {
            next = session.reoffer(sdpOffer);
        } catch (SdpException e) {
            log.warn("{} re-INVITE refused {}: {}", session.logTag, e.sipStatus(), LogSafe.clean(e.getMessage()));
            return reject(e);
        }
        if (next.releases()) {
            session.close("channel removed by re-INVITE");
            return new InviteOutcome.Accept(next.answer());
        }
        return new InviteOutcome.Accept(session.answer());
    }

    @Override
    public String capabilities(String localAddress) {
        return SdpAnswer.capabilities(localAddress);
    }

    @Override
    public void onTerminated(SipCall call, TerminationReason reason) {
        Session session = sessionsByCallId.get(call.callId());
        if (session != null) {
            session.close(reason.name().toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public void close() {
        for (Session session : sessionsByCallId.values()) {
            session.close("shutdown");
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
}
