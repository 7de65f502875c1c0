package io.voxcpm.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.EmbeddedMrcpConnection;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.mrcp.server.MrcpResource;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipCall;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session's own timers on virtual time: every session lives on an {@link EmbeddedChannel}'s event loop with
 * a mock ticker, so the idle and termination timeouts are checked to the millisecond with no sleep. The RTP
 * ports are real (loopback); no SPEAK is made, so the engine is a stand-in that is never called.
 */
class SessionManagerTest {

    private static final String OFFER = String.join("\r\n",
            "v=0",
            "o=FreeSWITCH 1 2 IN IP4 127.0.0.1",
            "s=-",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            "m=application 9 TCP/MRCPv2 1",
            "a=setup:active",
            "a=connection:new",
            "a=resource:speechsynth",
            "a=cmid:1",
            "m=audio 4002 RTP/AVP 0 8",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=recvonly",
            "a=mid:1", "");
    private static final SipCall CALL = new SipCall("call-1", new InetSocketAddress("127.0.0.1", 5062),
            new InetSocketAddress("127.0.0.1", 5060), "UDP", null, "FreeSWITCH");

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel loop = EmbeddedMrcpConnection.channel(ticker);
    private final MediaClock clock = new MediaClock(1);
    private final MrcpChannelRegistry channels = new MrcpChannelRegistry();
    private final List<String> forgotten = new CopyOnWriteArrayList<>();
    private final SessionManager sessions = new SessionManager(
            new SessionManager.Settings(10, 1544, null, 10, Duration.ofSeconds(3), Duration.ofSeconds(60)),
            channels, new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 43100, 43199)),
            new NeverCalledEngine(), SynthSettings.DEFAULTS, SpeakPlanning.DEFAULTS, loop.eventLoop());

    @AfterEach
    void close() {
        sessions.close();
        loop.runPendingTasks();
        clock.close();
        loop.finishAndReleaseAll();
    }

    @Test
    void aSessionWhoseClientNeverSendsARequestIsReapedAtTheIdleTimeout() {
        sessions.forgetDialogsWith(call -> forgotten.add(call.callId()));
        String channelId = open();
        assertThat(sessions.pendingTimerCount()).isEqualTo(1);
        advance(59_999);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(forgotten).as("its SIP dialog is forgotten too").containsExactly("call-1");
        assertThat(channels.resource(channelId)).isEmpty();
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void aClosedConnectionEndsTheSessionAfterTheTerminationTimeoutUnlessTheClientComesBack() {
        sessions.forgetDialogsWith(call -> forgotten.add(call.callId()));
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        MrcpConnection first = EmbeddedMrcpConnection.over(loop);
        session.onRequest(new MrcpRequest("GET-PARAMS", 1, channel(channelId)), first);
        advance(1);
        assertThat(sessions.pendingTimerCount()).as("the idle timer is called off by the request").isZero();

        session.onConnectionClosed(first);
        advance(2_000);
        session.onRequest(new MrcpRequest("GET-PARAMS", 2, channel(channelId)), first);
        advance(10_000);
        assertThat(sessions.sessionCount()).as("it came back within 3 s").isEqualTo(1);

        session.onConnectionClosed(first);
        advance(2_999);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(forgotten).containsExactly("call-1");
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    /** INVITEs the offer; returns the synthesizer channel's identifier from the answer. */
    @Test
    void aTlsOfferIsAnsweredWithTheTlsPortWhenTlsIsServedAnd488Otherwise() {
        String tlsOffer = OFFER.replace("TCP/MRCPv2", "TCP/TLS/MRCPv2");
        InviteOutcome refused = sessions.onInvite(CALL, tlsOffer);
        assertThat(refused).isInstanceOfSatisfying(InviteOutcome.Reject.class,
                r -> assertThat(r.status()).isEqualTo(488));
        assertThat(sessions.sessionCount()).isZero();

        SessionManager withTls = new SessionManager(new SessionManager.Settings(10, 1544, null, 10,
                Duration.ofSeconds(3), Duration.ofSeconds(60), MediaDestinations.signallingSourceOnly(), 1545),
                channels, new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 43200, 43299)),
                new NeverCalledEngine(), SynthSettings.DEFAULTS, SpeakPlanning.DEFAULTS, loop.eventLoop());
        try {
            InviteOutcome tls = withTls.onInvite(CALL, tlsOffer);
            assertThat(((InviteOutcome.Accept) tls).sdpAnswer()).contains("m=application 1545 TCP/TLS/MRCPv2 1\r\n");
            InviteOutcome plain = withTls.onInvite(new SipCall("call-2", CALL.remote(), CALL.local(), "UDP", null,
                    "FreeSWITCH"), OFFER);
            assertThat(((InviteOutcome.Accept) plain).sdpAnswer()).contains("m=application 1544 TCP/MRCPv2 1\r\n");
        } finally {
            withTls.close();
            loop.runPendingTasks();
        }
    }

    private String open() {
        InviteOutcome outcome = sessions.onInvite(CALL, OFFER);
        assertThat(outcome).isInstanceOf(InviteOutcome.Accept.class);
        loop.runPendingTasks();
        String answer = ((InviteOutcome.Accept) outcome).sdpAnswer();
        return answer.replaceAll("(?s).*a=channel:([^\r\n]+).*", "$1");
    }

    private static MrcpHeaders channel(String channelId) {
        return MrcpHeaders.builder().add("Channel-Identifier", channelId).build();
    }

    /** Runs what is due now, then moves virtual time on by {@code ms}, running what falls due on the way. */
    private void advance(long ms) {
        loop.runPendingTasks();
        for (long i = 0; i < ms; i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
        }
        loop.runPendingTasks();
    }

    /** No SPEAK is made in these tests. */
    private static final class NeverCalledEngine implements SpeechEngine {
        @Override
        public String name() {
            return "never-called";
        }

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            throw new AssertionError("no SPEAK in this test");
        }

        @Override
        public void close() {
        }
    }
}
