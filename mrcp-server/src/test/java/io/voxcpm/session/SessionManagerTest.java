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
import com.google.common.net.InetAddresses;
import io.voxcpm.net.IpNetwork;
import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;
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
    private final List<String> hungUp = new CopyOnWriteArrayList<>();
    private final SipCall call = call("call-1", "127.0.0.1");

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel loop = EmbeddedMrcpConnection.channel(ticker);
    private final MediaClock clock = new MediaClock(1);
    private final MrcpChannelRegistry channels = new MrcpChannelRegistry();
    private SessionManager sessions = manager(new SessionManager.Settings(10, 1544, null, 10, Duration.ofSeconds(3),
            Duration.ofSeconds(60), MediaDestinations.signallingSourceOnly(), Duration.ofSeconds(20),
            Duration.ofSeconds(100)));

    private SessionManager manager(SessionManager.Settings settings) {
        return manager(settings, new NeverCalledEngine());
    }

    private SessionManager manager(SessionManager.Settings settings, SpeechEngine engine) {
        return new SessionManager(settings, channels,
                new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 43100, 43199)),
                engine, SynthSettings.DEFAULTS, SpeakPlanning.DEFAULTS, loop.eventLoop());
    }

    /** A call from {@code source} whose hang-ups are recorded as "call-id: why". */
    private SipCall call(String callId, String source) {
        return new SipCall(callId, new InetSocketAddress(source, 5062), new InetSocketAddress("127.0.0.1", 5060),
                "UDP", null, "FreeSWITCH", (id, why) -> hungUp.add(id + ": " + why));
    }

    @AfterEach
    void close() {
        sessions.close();
        loop.runPendingTasks();
        clock.close();
        loop.finishAndReleaseAll();
    }

    @Test
    void aSessionWhoseClientNeverSendsARequestIsHungUpAtTheIdleTimeout() {
        String channelId = open();
        assertThat(sessions.pendingTimerCount()).isEqualTo(1);
        advance(59_999);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(hungUp).as("its SIP dialog gets a BYE saying why")
                .containsExactly("call-1: no MRCP request within 60 s of the INVITE");
        assertThat(channels.resource(channelId)).isEmpty();
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void aUsedSessionIsHungUpAfterTheIdleTimeoutFromItsLastRequest() {
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        MrcpConnection connection = EmbeddedMrcpConnection.over(loop);
        advance(5_000);
        session.onRequest(new MrcpRequest("GET-PARAMS", 1, channel(channelId)), connection);
        advance(15_000);
        session.onRequest(new MrcpRequest("GET-PARAMS", 2, channel(channelId)), connection);
        advance(19_999);
        assertThat(sessions.sessionCount()).as("20 s after its last request, not its first").isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(hungUp).containsExactly("call-1: no MRCP request for 20 s after the last SPEAK");
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void aUsedSessionsRequestCountsWhenItArrivesNotWhenTheSessionExecutorGetsToIt() {
        // once used, a request stamps its time on the MRCP thread and sends the session executor nothing
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        // the connection's own loop: its writes must not run the session executor's tasks early
        EmbeddedChannel mrcpLoop = EmbeddedMrcpConnection.channel(ticker);
        MrcpConnection connection = EmbeddedMrcpConnection.over(mrcpLoop);
        session.onRequest(new MrcpRequest("GET-PARAMS", 1, channel(channelId)), connection);
        advance(5_000);
        session.onRequest(new MrcpRequest("GET-PARAMS", 2, channel(channelId)), connection);
        ticker.advance(5, TimeUnit.SECONDS);  // the session executor is busy elsewhere for 5 s
        advance(14_999);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).as("20 s after the request arrived").isZero();
        assertThat(hungUp).containsExactly("call-1: no MRCP request for 20 s after the last SPEAK");
        mrcpLoop.finishAndReleaseAll();
    }

    @Test
    void aPlayingSpeakKeepsTheSessionAliveAndTheIdleTimeCountsFromItsEnd() {
        sessions.close();
        sessions = manager(new SessionManager.Settings(10, 1544, null, 10, Duration.ofSeconds(3),
                Duration.ofSeconds(60), MediaDestinations.signallingSourceOnly(), Duration.ofSeconds(20),
                Duration.ofSeconds(1000)), new EndlessEngine());
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        MrcpConnection connection = EmbeddedMrcpConnection.over(loop);
        session.onRequest(MrcpRequest.withText("SPEAK", 1, MrcpHeaders.builder().add("Channel-Identifier", channelId)
                .add("Content-Type", "text/plain").build(), "a prompt that never ends"), connection);
        advance(100_000);
        assertThat(sessions.sessionCount()).as("speaking for 100 s without a request").isEqualTo(1);
        session.onRequest(new MrcpRequest("STOP", 2, channel(channelId)), connection);
        advance(19_999);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        advance(1);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(hungUp).containsExactly("call-1: no MRCP request for 20 s after the last SPEAK");
    }

    @Test
    void aBusySessionIsHungUpAtItsMaximumDuration() {
        sessions.close();
        sessions = manager(new SessionManager.Settings(10, 1544, null, 10, Duration.ofSeconds(3),
                Duration.ofSeconds(60), MediaDestinations.signallingSourceOnly(), Duration.ofSeconds(20),
                Duration.ofSeconds(45)));
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        MrcpConnection connection = EmbeddedMrcpConnection.over(loop);
        for (int i = 1; i <= 4; i++) {
            session.onRequest(new MrcpRequest("GET-PARAMS", i, channel(channelId)), connection);
            advance(11_000);
        }
        assertThat(sessions.sessionCount()).isEqualTo(1);
        session.onRequest(new MrcpRequest("GET-PARAMS", 5, channel(channelId)), connection);
        advance(1_000);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(hungUp).containsExactly("call-1: maximum session duration of 45 s reached");
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void aByeClosesTheSessionWithoutHangingUp() {
        String channelId = open();
        sessions.onTerminated(call, SipApplication.TerminationReason.BYE);
        loop.runPendingTasks();
        assertThat(sessions.sessionCount()).isZero();
        assertThat(channels.resource(channelId)).isEmpty();
        assertThat(hungUp).isEmpty();
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void mrcpIsServedOnlyFromTheSipPeerOrAListedNetwork() {
        MrcpResource session = channels.resource(open()).orElseThrow();
        assertThat(session.acceptsFrom(InetAddresses.forString("127.0.0.1"))).isTrue();
        assertThat(session.acceptsFrom(InetAddresses.forString("127.0.0.2"))).isFalse();
        assertThat(session.acceptsFrom(InetAddresses.forString("192.0.2.7"))).isFalse();
        sessions.close();
        sessions = manager(new SessionManager.Settings(10, 1544, null, 10, Duration.ofSeconds(3),
                Duration.ofSeconds(60), new MediaDestinations(List.of(IpNetwork.parse("192.0.2.0/24")))));
        MrcpResource behindProxy = channels.resource(open()).orElseThrow();
        assertThat(behindProxy.acceptsFrom(InetAddresses.forString("192.0.2.7"))).isTrue();
        assertThat(behindProxy.acceptsFrom(InetAddresses.forString("198.51.100.7"))).isFalse();
    }

    @Test
    void theGlobalAndThePerAddressCapsAnswer480() {
        sessions.close();
        sessions = manager(new SessionManager.Settings(3, 1544, null, 2, Duration.ofSeconds(3),
                Duration.ofSeconds(60), new MediaDestinations(List.of(IpNetwork.parse("127.0.0.0/8")))));
        assertThat(sessions.onInvite(call("a1", "127.0.0.1"), OFFER)).isInstanceOf(InviteOutcome.Accept.class);
        assertThat(sessions.onInvite(call("a2", "127.0.0.1"), OFFER)).isInstanceOf(InviteOutcome.Accept.class);
        assertThat(sessions.onInvite(call("a3", "127.0.0.1"), OFFER)).as("a third from one address")
                .isEqualTo(new InviteOutcome.Reject(480, "Temporarily Unavailable"));
        assertThat(sessions.onInvite(call("b1", "127.0.0.2"), OFFER)).as("another address still gets in")
                .isInstanceOf(InviteOutcome.Accept.class);
        assertThat(sessions.onInvite(call("c1", "127.0.0.3"), OFFER)).as("but not past the global cap")
                .isEqualTo(new InviteOutcome.Reject(480, "Temporarily Unavailable"));
        assertThat(sessions.sessionCount()).isEqualTo(3);
        sessions.onTerminated(call("a1", "127.0.0.1"), SipApplication.TerminationReason.BYE);
        assertThat(sessions.onInvite(call("c1", "127.0.0.3"), OFFER)).as("a freed slot is taken again")
                .isInstanceOf(InviteOutcome.Accept.class);
    }

    @Test
    void reoffersHoldResumeRefreshAndRemoveTheChannel() {
        InviteOutcome.Accept first = (InviteOutcome.Accept) sessions.onInvite(call, OFFER);
        loop.runPendingTasks();
        assertThat(sessions.onReinvite(call, OFFER)).as("a refresh gets the byte-identical answer").isEqualTo(first);
        String held = ((InviteOutcome.Accept) sessions.onReinvite(call, OFFER.replace("a=recvonly", "a=inactive")))
                .sdpAnswer();
        assertThat(held).contains("a=inactive").contains(" 2 IN IP4 ");
        String resumed = ((InviteOutcome.Accept) sessions.onReinvite(call, OFFER)).sdpAnswer();
        assertThat(resumed).contains("a=sendonly").contains(" 3 IN IP4 ");
        String removed = ((InviteOutcome.Accept) sessions.onReinvite(call,
                OFFER.replace("m=application 9 ", "m=application 0 "))).sdpAnswer();
        assertThat(removed).contains("m=application 0 TCP/MRCPv2").contains(" 4 IN IP4 ");
        assertThat(sessions.sessionCount()).isZero();
        assertThat(sessions.onReinvite(call, OFFER)).isEqualTo(new InviteOutcome.Reject(481,
                "Call/Transaction Does Not Exist"));
    }

    @Test
    void aClosedConnectionEndsTheSessionAfterTheTerminationTimeoutUnlessTheClientComesBack() {
        String channelId = open();
        MrcpResource session = channels.resource(channelId).orElseThrow();
        MrcpConnection first = EmbeddedMrcpConnection.over(loop);
        session.onRequest(new MrcpRequest("GET-PARAMS", 1, channel(channelId)), first);
        advance(1);

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
        assertThat(hungUp).containsExactly("call-1: MRCP connection closed and no BYE within 3000 ms");
        assertThat(sessions.pendingTimerCount()).isZero();
    }

    @Test
    void aTlsOfferIsAnsweredWithTheTlsPortWhenTlsIsServedAnd488Otherwise() {
        String tlsOffer = OFFER.replace("TCP/MRCPv2", "TCP/TLS/MRCPv2");
        InviteOutcome refused = sessions.onInvite(call, tlsOffer);
        assertThat(refused).isInstanceOfSatisfying(InviteOutcome.Reject.class,
                r -> assertThat(r.status()).isEqualTo(488));
        assertThat(sessions.sessionCount()).isZero();

        SessionManager withTls = new SessionManager(new SessionManager.Settings(10, 1544, null, 10,
                Duration.ofSeconds(3), Duration.ofSeconds(60), MediaDestinations.signallingSourceOnly(), 1545),
                channels, new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 43200, 43299)),
                new NeverCalledEngine(), SynthSettings.DEFAULTS, SpeakPlanning.DEFAULTS, loop.eventLoop());
        try {
            InviteOutcome tls = withTls.onInvite(call, tlsOffer);
            assertThat(((InviteOutcome.Accept) tls).sdpAnswer()).contains("m=application 1545 TCP/TLS/MRCPv2 1\r\n");
            InviteOutcome plain = withTls.onInvite(call("call-2", "127.0.0.1"), OFFER);
            assertThat(((InviteOutcome.Accept) plain).sdpAnswer()).contains("m=application 1544 TCP/MRCPv2 1\r\n");
        } finally {
            withTls.close();
            loop.runPendingTasks();
        }
    }

    /** INVITEs the offer; returns the synthesizer channel's identifier from the answer. */
    private String open() {
        InviteOutcome outcome = sessions.onInvite(call, OFFER);
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

    /** A synthesis that never finishes (nor fails): its SPEAK plays until stopped. */
    private static final class EndlessEngine implements SpeechEngine {
        @Override
        public String name() {
            return "endless";
        }

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            return () -> { };
        }

        @Override
        public void close() {
        }
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
