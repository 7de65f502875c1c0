package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.net.IpNetwork;
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
 * What one signalling source may hold or cost, on virtual time: the user agent server lives on an
 * {@link EmbeddedChannel}'s event loop with a mock ticker, and requests arrive from several source addresses.
 */
class SourceLimitsTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5062);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 5062);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.3", 5062);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5060);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel udp = EmbeddedChannel.builder().ticker(ticker).build();
    private final TestSessions app = new TestSessions();
    private UserAgentServer uas;

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    private void start(int maxTransactions, SipLimits limits) {
        uas = new UserAgentServer(SipConfig.defaults().withLimits(100, maxTransactions).withSourceLimits(limits),
                app, udp.eventLoop());
    }

    private static SipLimits limits(Duration ack, int perSource, double invites, int burst, double rejections) {
        return new SipLimits(ack, perSource, invites, burst, rejections, List.of());
    }

    @Test
    void aUdpInviteThatIsNeverAckedFreesItsSessionAtTheAckTimeoutNotTimerH() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0));
        String callId = invite(A, "z9hG4bK-a1");
        assertThat(statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        advance(7_999);
        assertThat(app.terminations).isEmpty();
        advance(1);
        assertThat(app.terminations).containsExactly(callId + " ACK_TIMEOUT");
        assertThat(uas.dialogCount()).isZero();
        sent(A);
        advance(30_000);
        assertThat(sent(A)).as("the 2xx is not repeated to a peer that is not there").isEmpty();
        assertThat(uas.transactionCount()).isZero();
    }

    @Test
    void unacknowledgedUdpSessionsAreCappedAndEachPlaceComesBackAtItsAckOrAtTheAckTimeout() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0).withAwaitingAck(2, 1));
        invite(A, "z9hG4bK-u1");
        assertThat(statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        invite(A, "z9hG4bK-u2");
        List<String> perSource = sent(A);
        assertThat(perSource).extracting(SourceLimitsTest::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(perSource.get(0)).contains("Retry-After: 1\r\n")
                .contains("1 sessions from 127.0.0.1 await their ACK (the per-source cap)");
        String fromB = invite(B, "z9hG4bK-u3");
        String toTag = toTag(sent(B).get(1));
        invite(C, "z9hG4bK-u4");
        assertThat(sent(C)).singleElement().asString().startsWith("SIP/2.0 503 Service Unavailable")
                .contains("2 sessions await their ACK (the cap)");
        assertThat(app.invites).hasSize(2);
        assertThat(uas.awaitingAckCount()).isEqualTo(2);

        receive(B, request("ACK", "z9hG4bK-u5", fromB, 1, toTag, null));
        assertThat(uas.awaitingAckCount()).isEqualTo(1);
        invite(C, "z9hG4bK-u6");
        assertThat(statusLines(C)).as("B's ACK gave its place back").containsExactly("SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");

        advance(7_999);
        assertThat(uas.awaitingAckCount()).isEqualTo(2);
        advance(1);
        assertThat(uas.awaitingAckCount()).as("A's and C's freed at the ack timeout").isZero();
        assertThat(app.terminations).hasSize(2).allMatch(t -> t.endsWith(" ACK_TIMEOUT"));
        discardSent();
        invite(A, "z9hG4bK-u7");
        assertThat(statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
    }

    @Test
    void overTcpTheHandshakeProvesTheSourceSoNoAckCapApplies() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0).withAwaitingAck(1, 1));
        for (int i = 0; i < 3; i++) {
            uas.receive(new Inbound(request("INVITE", "z9hG4bK-t" + i, UUID.randomUUID().toString(), 1, null,
                    SipTestClient.OFFER).replace("SIP/2.0/UDP", "SIP/2.0/TCP").getBytes(StandardCharsets.UTF_8), A,
                    SERVER, udp, true));
            udp.runPendingTasks();
        }
        assertThat(app.invites).hasSize(3);
        assertThat(uas.awaitingAckCount()).isZero();
        discardSent();
    }

    /** Forgets what was sent so far, to whomever (2xx retransmissions to several sources). */
    private void discardSent() {
        udp.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        udp.outboundMessages().clear();
    }

    @Test
    void oneSourceFillingItsQuotaLeavesOthersAndItsOwnByesAlone() {
        start(5, limits(Duration.ofSeconds(8), 3, 0, 1, 0));
        String callId = invite(B, "z9hG4bK-b1");
        String toTag = toTag(sent(B).get(1));
        receive(B, request("ACK", "z9hG4bK-b2", callId, 1, toTag, null));
        for (int i = 0; i < 3; i++) {
            receive(A, request("OPTIONS", "z9hG4bK-o" + i, UUID.randomUUID().toString(), 1, null, null));
        }
        assertThat(statusLines(A)).containsOnly("SIP/2.0 200 OK").hasSize(3);
        receive(A, request("OPTIONS", "z9hG4bK-o4", UUID.randomUUID().toString(), 1, null, null));
        List<String> refused = sent(A);
        assertThat(refused).extracting(SourceLimitsTest::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(refused.get(0)).contains("Retry-After: 1");
        assertThat(uas.transactionCount()).as("A's three, B's INVITE: one below the global cap").isEqualTo(4);

        receive(C, request("OPTIONS", "z9hG4bK-c1", UUID.randomUUID().toString(), 1, null, null));
        assertThat(statusLines(C)).containsExactly("SIP/2.0 200 OK");
        receive(C, request("OPTIONS", "z9hG4bK-c2", UUID.randomUUID().toString(), 1, null, null));
        assertThat(statusLines(C)).as("the table is full now").containsExactly("SIP/2.0 503 Service Unavailable");

        receive(B, request("BYE", "z9hG4bK-b3", callId, 2, toTag, null));
        assertThat(statusLines(B)).as("a BYE ends state, so it is let in").containsExactly("SIP/2.0 200 OK");
        assertThat(app.terminations).containsExactly(callId + " BYE");
    }

    @Test
    void invitesOverASourcesRateGet503WithRetryAfterAndOthersAreNotSlowed() {
        start(100, limits(Duration.ofSeconds(8), 100, 2, 2, 0));
        invite(A, "z9hG4bK-r1");
        invite(A, "z9hG4bK-r2");
        assertThat(statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");
        invite(A, "z9hG4bK-r3");
        List<String> busy = sent(A);
        assertThat(busy).extracting(SourceLimitsTest::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(busy.get(0)).contains("Retry-After: 1");
        assertThat(app.invites).hasSize(2);
        invite(B, "z9hG4bK-r4");
        assertThat(statusLines(B)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        advance(500);
        udp.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        udp.outboundMessages().clear();
        invite(A, "z9hG4bK-r5");
        assertThat(statusLines(A)).as("one more token after 1/rate").containsExactly("SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");
    }

    @Test
    void rejectionsToOneSourceAreRateLimitedSoASpoofedSourceGetsNoFlood() {
        start(10_000, limits(Duration.ofSeconds(8), 10_000, 0, 1, 5));
        for (int i = 0; i < 30; i++) {
            receive(A, request("INVITE", "z9hG4bK-x" + i, UUID.randomUUID().toString(), 1, null, null));
        }
        assertThat(statusLines(A)).as("the burst (two seconds' worth) is answered, the rest dropped")
                .containsOnly("SIP/2.0 400 Missing SDP offer").hasSize(10);
        receive(B, request("INVITE", "z9hG4bK-y", UUID.randomUUID().toString(), 1, null, null));
        assertThat(statusLines(B)).containsExactly("SIP/2.0 400 Missing SDP offer");
        advance(1_000);
        for (int i = 0; i < 30; i++) {
            String options = request("OPTIONS", "z9hG4bK-z" + i, UUID.randomUUID().toString(), 1, null, null);
            receive(A, "GARBAGE" + options.substring(options.indexOf("\r\n")));
        }
        assertThat(statusLines(A)).as("one second refills half the burst").containsOnly("SIP/2.0 400 Bad Request-Line")
                .hasSize(5);
    }

    @Test
    void onlyListedNetworksAreServedWhenAnAllowlistIsSet() {
        start(100, new SipLimits(Duration.ofSeconds(8), 100, 0, 1, 0, List.of(IpNetwork.parse("127.0.0.2/32"))));
        receive(A, request("OPTIONS", "z9hG4bK-l1", UUID.randomUUID().toString(), 1, null, null));
        invite(A, "z9hG4bK-l2");
        assertThat(sent(A)).as("not even an error: a stranger learns nothing").isEmpty();
        assertThat(app.invites).isEmpty();
        receive(B, request("OPTIONS", "z9hG4bK-l3", UUID.randomUUID().toString(), 1, null, null));
        assertThat(statusLines(B)).containsExactly("SIP/2.0 200 OK");
    }

    /** Sends a new INVITE with an offer from {@code from}; returns its Call-ID. */
    private String invite(InetSocketAddress from, String branch) {
        String callId = UUID.randomUUID().toString();
        receive(from, request("INVITE", branch, callId, 1, null, SipTestClient.OFFER));
        return callId;
    }

    private static String request(String method, String branch, String callId, int cseq, String toTag, String sdp) {
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

    private void receive(InetSocketAddress from, String message) {
        uas.receive(new Inbound(message.getBytes(StandardCharsets.UTF_8), from, SERVER, udp, false));
        udp.runPendingTasks();
    }

    /** The datagrams sent since the last call; every one must have gone to {@code to}. */
    private List<String> sent(InetSocketAddress to) {
        udp.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (Object m; (m = udp.readOutbound()) != null; ) {
            DatagramPacket packet = (DatagramPacket) m;
            assertThat(packet.recipient()).isEqualTo(to);
            out.add(packet.content().toString(StandardCharsets.UTF_8));
            packet.release();
        }
        return out;
    }

    private List<String> statusLines(InetSocketAddress to) {
        return sent(to).stream().map(SourceLimitsTest::statusLine).toList();
    }

    private static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    private static String toTag(String response) {
        return response.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([0-9a-f]+).*", "$1");
    }

    private void advance(long ms) {
        for (long i = 0; i < ms; i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            udp.runPendingTasks();
        }
        udp.runPendingTasks();
    }
}
