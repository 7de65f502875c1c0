package io.voxcpm.session;

import io.netty.util.concurrent.EventExecutorGroup;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
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
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIP dialogs into synthesizer sessions: an offer becomes an RTP stream, a registered MRCP channel
 * and an SDP answer; the end of the dialog releases all three.
 */
public final class SessionManager implements SipApplication, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
    private static final String SYNTH_RESOURCE = "speechsynth";

    /**
     * @param maxSessions        concurrent sessions; beyond that INVITEs get 480
     * @param mrcpPort           the MRCP listening port announced in answers
     * @param advertisedAddress  the address announced in answers, or null for the one the INVITE arrived on
     */
    public record Settings(int maxSessions, int mrcpPort, String advertisedAddress) { }

    /** One live session. */
    private record Session(String sessionId, String logTag, String offer, String answer,
                           RtpAudioChannel audio, SynthesizerChannel synthesizer) { }

    private final Settings settings;
    private final MrcpChannelRegistry channels;
    private final RtpMedia media;
    private final SpeechEngine engine;
    private final SynthSettings synthSettings;
    private final EventExecutorGroup executors;
    private final Map<String, Session> sessionsByCallId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SessionManager(Settings settings, MrcpChannelRegistry channels, RtpMedia media, SpeechEngine engine,
                          SynthSettings synthSettings, EventExecutorGroup executors) {
        this.settings = settings;
        this.channels = channels;
        this.media = media;
        this.engine = engine;
        this.synthSettings = synthSettings;
        this.executors = executors;
    }

    public int sessionCount() {
        return sessionsByCallId.size();
    }

    @Override
    public InviteOutcome onInvite(SipCall call, String sdpOffer) {
        MrcpOffer offer;
        AudioCodec codec;
        try {
            offer = SdpOffers.parse(sdpOffer);
            if (offer.releasesChannel()) {
                throw new SdpException(SdpException.NOT_ACCEPTABLE_HERE,
                        "the offer's speechsynth control line has port 0: nothing to set up");
            }
            codec = offer.negotiateCodec();
        } catch (SdpException e) {
            log.warn("[- {}] INVITE from {} refused {}: {}", call.callId(), call.remote(), e.sipStatus(),
                    e.getMessage());
            return new InviteOutcome.Reject(e.sipStatus(), reasonPhrase(e.sipStatus()));
        }
        if (sessionsByCallId.size() >= settings.maxSessions()) {
            log.warn("[- {}] INVITE refused 480: {} sessions, the configured maximum", call.callId(),
                    settings.maxSessions());
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        }
        TelephonyFormat format = formatOf(codec);
        int ptime = offer.ptime();
        String sessionId = newSessionId();
        String logTag = "[" + sessionId + " " + call.callId() + "]";
        RtpAudioChannel audio;
        try {
            audio = media.open(sessionId, new InetSocketAddress(offer.remoteRtpAddress(), offer.remoteRtpPort()),
                    codec.payloadType(), codec.clockRate(), ptime, format.bytesPerFrame(ptime));
        } catch (RtpPortsExhaustedException e) {
            log.warn("{} INVITE refused 480: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(480, "Temporarily Unavailable");
        } catch (IllegalArgumentException e) {
            log.warn("{} INVITE refused 488: {}", logTag, e.getMessage());
            return new InviteOutcome.Reject(488, "Not Acceptable Here");
        }
        ConnectionType connection = offer.requestedConnection() == ConnectionType.EXISTING
                && channels.hasConnectionFrom(call.remote().getAddress())
                ? ConnectionType.EXISTING : ConnectionType.NEW;
        String answer = SdpAnswer.build(new SdpAnswer.Spec(offer, codec, localAddress(call), settings.mrcpPort(),
                sessionId, connection, audio.localPort()));
        String channelId = sessionId + "@" + SYNTH_RESOURCE;
        SynthesizerChannel synthesizer = new SynthesizerChannel(channelId, logTag, engine, audio, format, ptime,
                synthSettings, executors.next());
        channels.register(channelId, synthesizer);
        Session previous = sessionsByCallId.putIfAbsent(call.callId(),
                new Session(sessionId, logTag, sdpOffer, answer, audio, synthesizer));
        if (previous != null) {
            // a second INVITE with a Call-ID we already serve but no To-tag: a broken client, not a refresh
            channels.unregister(channelId);
            audio.close();
            log.warn("{} INVITE refused 482: Call-ID already in use by session {}", logTag, previous.sessionId());
            return new InviteOutcome.Reject(482, "Loop Detected");
        }
        log.info("{} session opened: {} from {} via {}, {} {}/{} ptime {} to {}:{}, RTP from port {}, connection:{}",
                logTag, channelId, call.userAgent() == null ? "client" : call.userAgent(), call.remote(),
                call.transport(), codec.encodingName(), codec.clockRate(), ptime, offer.remoteRtpAddress(),
                offer.remoteRtpPort(), audio.localPort(), connection.sdpValue());
        return new InviteOutcome.Accept(answer);
    }

    @Override
    public InviteOutcome onReinvite(SipCall call, String sdpOffer) {
        Session session = sessionsByCallId.get(call.callId());
        if (session == null) {
            return new InviteOutcome.Reject(481, "Call/Transaction Does Not Exist");
        }
        try {
            MrcpOffer offer = SdpOffers.parse(sdpOffer);
            if (offer.releasesChannel()) {
                log.info("{} re-INVITE removes the synthesizer channel", session.logTag());
                release(call.callId(), "channel removed by re-INVITE");
                return new InviteOutcome.Accept(session.answer().replaceFirst(
                        "(?m)^m=application \\d+ ", "m=application 0 "));
            }
        } catch (SdpException e) {
            log.warn("{} re-INVITE refused {}: {}", session.logTag(), e.sipStatus(), e.getMessage());
            return new InviteOutcome.Reject(e.sipStatus(), reasonPhrase(e.sipStatus()));
        }
        // Session-timer refreshes repeat the offer; media changes mid-call are not something UniMRCP clients
        // do, so the session keeps what was negotiated and the answer stays byte-identical.
        log.info("{} re-INVITE answered with the unchanged session", session.logTag());
        return new InviteOutcome.Accept(session.answer());
    }

    @Override
    public void onTerminated(SipCall call, TerminationReason reason) {
        release(call.callId(), reason.name().toLowerCase(Locale.ROOT));
    }

    private void release(String callId, String why) {
        Session session = sessionsByCallId.remove(callId);
        if (session == null) {
            return;
        }
        channels.unregister(session.synthesizer().channelId());
        session.synthesizer().close();
        session.audio().close();
        log.info("{} session closed ({})", session.logTag(), why);
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
            default -> throw new IllegalArgumentException("no telephony format for " + codec);
        };
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
