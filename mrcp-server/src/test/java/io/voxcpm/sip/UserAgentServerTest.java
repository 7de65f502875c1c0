package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction and dialog layers on virtual time: the user agent server lives on an
 * {@link EmbeddedChannel}'s event loop with a mock ticker, requests are handed to it as received datagrams
 * and its responses are read back from the channel. RFC 3261's timers (T1 500 ms, T2 4 s, Timer H 32 s) are
 * checked to the millisecond, where the socket tests can only count copies within a window.
 */
class UserAgentServerTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5062);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5060);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel udp = EmbeddedChannel.builder().ticker(ticker).build();
    private final TestSessions app = new TestSessions();
    /** The ACK wait is Timer H itself here (the shorter default is {@link SourceLimitsTest}'s). */
    private final UserAgentServer uas = new UserAgentServer(SipConfig.defaults().withSourceLimits(new SipLimits(
            Duration.ofSeconds(32), 5000, 0, 1, 0, List.of())), app, udp.eventLoop());
    private final String callId = UUID.randomUUID().toString();
    private long nowMs;

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    @Test
    void anUnackedOkIsRepeatedAtT1DoublingToT2UntilTimerHEndsTheCall() {
        receive(invite("z9hG4bK-1"));
        assertThat(sent()).extracting(UserAgentServerTest::statusLine)
                .containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        List<Long> repeats = new ArrayList<>();
        while (nowMs < 31_999) {
            advance(1);
            for (String r : sent()) {
                assertThat(statusLine(r)).isEqualTo("SIP/2.0 200 OK");
                repeats.add(nowMs);
            }
        }
        assertThat(repeats).containsExactly(500L, 1_500L, 3_500L, 7_500L, 11_500L, 15_500L, 19_500L, 23_500L,
                27_500L, 31_500L);
        assertThat(app.terminations).isEmpty();
        assertThat(uas.dialogCount()).isEqualTo(1);
        advance(1);
        assertThat(app.terminations).as("Timer H, 64*T1 after the 200").containsExactly(callId + " ACK_TIMEOUT");
        assertThat(uas.dialogCount()).isZero();
        assertThat(uas.transactionCount()).isZero();
    }

    @Test
    void theAckStopsTheRepeatsAndTheByeEndsTheDialogOnce() {
        receive(invite("z9hG4bK-2"));
        String ok = sent().get(1);
        String toTag = ok.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([0-9a-f]+).*", "$1");
        advance(600);
        assertThat(sent()).hasSize(1);
        receive(request("ACK", "z9hG4bK-3", 1, toTag, null));
        advance(40_000);
        assertThat(sent()).as("no repeat after the ACK").isEmpty();
        assertThat(uas.dialogCount()).isEqualTo(1);
        assertThat(uas.transactionCount()).as("the INVITE's transaction is gone after Timer H").isZero();

        receive(request("BYE", "z9hG4bK-4", 2, toTag, null));
        assertThat(sent()).extracting(UserAgentServerTest::statusLine).containsExactly("SIP/2.0 200 OK");
        receive(request("BYE", "z9hG4bK-4", 2, toTag, null));
        assertThat(sent()).as("a retransmitted BYE is answered again").extracting(UserAgentServerTest::statusLine)
                .containsExactly("SIP/2.0 200 OK");
        assertThat(app.terminations).containsExactly(callId + " BYE");
        advance(32_000);
        assertThat(uas.transactionCount()).isZero();
    }

    @Test
    void optionsCarriesTheCapabilitiesTheApplicationSupplies() {
        receive(request("OPTIONS", "z9hG4bK-5", 1, null, null));
        String ok = sent().get(0);
        assertThat(statusLine(ok)).isEqualTo("SIP/2.0 200 OK");
        assertThat(ok).contains("Allow: INVITE,ACK,BYE,CANCEL,OPTIONS", "a=resource:speechsynth",
                "c=IN IP4 127.0.0.1");
    }

    private String invite(String branch) {
        return request("INVITE", branch, 1, null, SipTestClient.OFFER);
    }

    private String request(String method, String branch, int cseq, String toTag, String sdp) {
        byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
        return method + " sip:127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5062;rport;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:pbx@127.0.0.1:5062>;tag=f1\r\n"
                + "To: <sip:127.0.0.1:5060>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:pbx@127.0.0.1:5062>\r\n"
                + (sdp == null ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n"
                + (sdp == null ? "" : sdp);
    }

    private void receive(String message) {
        uas.receive(new Inbound(message.getBytes(StandardCharsets.UTF_8), CLIENT, SERVER, udp, false));
        udp.runPendingTasks();
    }

    /** The datagrams sent since the last call, as text. */
    private List<String> sent() {
        udp.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (Object m; (m = udp.readOutbound()) != null; ) {
            DatagramPacket packet = (DatagramPacket) m;
            assertThat(packet.recipient()).isEqualTo(CLIENT);
            out.add(packet.content().toString(StandardCharsets.UTF_8));
            packet.release();
        }
        return out;
    }

    private static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    private void advance(long ms) {
        for (long i = 0; i < ms; i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            nowMs++;
            udp.runPendingTasks();
        }
        udp.runPendingTasks();
    }
}
