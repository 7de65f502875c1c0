package io.voxcpm.sip;

import static io.voxcpm.sip.UasHarness.request;
import static io.voxcpm.sip.UasHarness.toTag;
import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.net.IpNetwork;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one signalling source may hold or cost, on virtual time ({@link UasHarness}): requests arrive from
 * several source addresses.
 */
class SourceLimitsTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5062);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 5062);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.3", 5062);

    private final UasHarness h = new UasHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private void start(int maxTransactions, SipLimits limits) {
        h.start(SipConfig.defaults().withLimits(100, maxTransactions).withSourceLimits(limits));
    }

    private static SipLimits limits(Duration ack, int perSource, double invites, int burst, double rejections) {
        return new SipLimits(ack, perSource, invites, burst, rejections, List.of());
    }

    @Test
    void aUdpInviteThatIsNeverAckedFreesItsSessionAtTheAckTimeoutNotTimerH() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0));
        String callId = h.invite(A, "z9hG4bK-a1");
        assertThat(h.statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        h.advance(7_999);
        assertThat(h.app.terminations).isEmpty();
        h.advance(1);
        assertThat(h.app.terminations).containsExactly(callId + " ACK_TIMEOUT");
        assertThat(h.uas().dialogCount()).isZero();
        h.sent(A);
        h.advance(30_000);
        assertThat(h.sent(A)).as("the 2xx is not repeated to a peer that is not there").isEmpty();
        assertThat(h.uas().transactionCount()).isZero();
    }

    @Test
    void unacknowledgedUdpSessionsAreCappedAndEachPlaceComesBackAtItsAckOrAtTheAckTimeout() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0).withAwaitingAck(2, 1));
        h.invite(A, "z9hG4bK-u1");
        assertThat(h.statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        h.invite(A, "z9hG4bK-u2");
        List<String> perSource = h.sent(A);
        assertThat(perSource).extracting(UasHarness::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(perSource.get(0)).contains("Retry-After: 1\r\n")
                .contains("1 sessions from 127.0.0.1 await their ACK (the per-source cap)");
        String fromB = h.invite(B, "z9hG4bK-u3");
        String toTag = toTag(h.sent(B).get(1));
        h.invite(C, "z9hG4bK-u4");
        assertThat(h.sent(C)).singleElement().asString().startsWith("SIP/2.0 503 Service Unavailable")
                .contains("2 sessions await their ACK (the cap)");
        assertThat(h.app.invites).hasSize(2);
        assertThat(h.uas().awaitingAckCount()).isEqualTo(2);

        h.receive(B, request("ACK", "z9hG4bK-u5", fromB, 1, toTag, null));
        assertThat(h.uas().awaitingAckCount()).isEqualTo(1);
        h.invite(C, "z9hG4bK-u6");
        assertThat(h.statusLines(C)).as("B's ACK gave its place back").containsExactly("SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");

        h.advance(7_999);
        assertThat(h.uas().awaitingAckCount()).isEqualTo(2);
        h.advance(1);
        assertThat(h.uas().awaitingAckCount()).as("A's and C's freed at the ack timeout").isZero();
        assertThat(h.app.terminations).hasSize(2).allMatch(t -> t.endsWith(" ACK_TIMEOUT"));
        h.discardSent();
        h.invite(A, "z9hG4bK-u7");
        assertThat(h.statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
    }

    @Test
    void overTcpTheHandshakeProvesTheSourceSoNoAckCapApplies() {
        start(100, limits(Duration.ofSeconds(8), 100, 0, 1, 0).withAwaitingAck(1, 1));
        for (int i = 0; i < 3; i++) {
            h.receive(A, request("INVITE", "z9hG4bK-t" + i, UUID.randomUUID().toString(), 1, null,
                    SipTestClient.OFFER).replace("SIP/2.0/UDP", "SIP/2.0/TCP"), true);
        }
        assertThat(h.app.invites).hasSize(3);
        assertThat(h.uas().awaitingAckCount()).isZero();
        h.discardSent();
    }

    @Test
    void oneSourceFillingItsQuotaLeavesOthersAndItsOwnByesAlone() {
        start(5, limits(Duration.ofSeconds(8), 3, 0, 1, 0));
        String callId = h.invite(B, "z9hG4bK-b1");
        String toTag = toTag(h.sent(B).get(1));
        h.receive(B, request("ACK", "z9hG4bK-b2", callId, 1, toTag, null));
        for (int i = 0; i < 3; i++) {  // the application has not answered these yet: in progress
            h.receive(A, slowInvite("z9hG4bK-o" + i));
        }
        assertThat(h.statusLines(A)).containsOnly("SIP/2.0 100 Trying").hasSize(3);
        h.receive(A, slowInvite("z9hG4bK-o4"));
        List<String> refused = h.sent(A);
        assertThat(refused).extracting(UasHarness::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(refused.get(0)).contains("Retry-After: 1");
        assertThat(h.uas().transactionsInProgress()).as("A's three; B's acknowledged INVITE only lingers").isEqualTo(3);

        h.receive(C, slowInvite("z9hG4bK-c1"));
        h.receive(C, slowInvite("z9hG4bK-c2"));
        assertThat(h.statusLines(C)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 100 Trying");
        h.receive(C, slowInvite("z9hG4bK-c3"));
        assertThat(h.statusLines(C)).as("the table is full now").containsExactly("SIP/2.0 503 Service Unavailable");

        h.receive(B, request("BYE", "z9hG4bK-b3", callId, 2, toTag, null));
        assertThat(h.statusLines(B)).as("a BYE ends state, so it is let in").containsExactly("SIP/2.0 200 OK");
        assertThat(h.app.terminations).containsExactly(callId + " BYE");
    }

    private static String slowInvite(String branch) {
        return request("INVITE", branch, UUID.randomUUID().toString(), 1, null, SipTestClient.OFFER)
                .replaceFirst("INVITE sip:", "INVITE sip:slow@");
    }

    @Test
    void invitesOverASourcesRateGet503WithRetryAfterAndOthersAreNotSlowed() {
        start(100, limits(Duration.ofSeconds(8), 100, 2, 2, 0));
        h.invite(A, "z9hG4bK-r1");
        h.invite(A, "z9hG4bK-r2");
        assertThat(h.statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK", "SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");
        h.invite(A, "z9hG4bK-r3");
        List<String> busy = h.sent(A);
        assertThat(busy).extracting(UasHarness::statusLine).containsExactly("SIP/2.0 503 Service Unavailable");
        assertThat(busy.get(0)).contains("Retry-After: 1");
        assertThat(h.app.invites).hasSize(2);
        h.invite(B, "z9hG4bK-r4");
        assertThat(h.statusLines(B)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        h.advance(500);
        h.discardSent();
        h.invite(A, "z9hG4bK-r5");
        assertThat(h.statusLines(A)).as("one more token after 1/rate").containsExactly("SIP/2.0 100 Trying",
                "SIP/2.0 200 OK");
    }

    @Test
    void rejectionsToOneSourceAreRateLimitedSoASpoofedSourceGetsNoFlood() {
        start(10_000, limits(Duration.ofSeconds(8), 10_000, 0, 1, 5));
        for (int i = 0; i < 30; i++) {
            h.receive(A, request("INVITE", "z9hG4bK-x" + i, UUID.randomUUID().toString(), 1, null, null));
        }
        assertThat(h.statusLines(A)).as("the burst (two seconds' worth) is answered, the rest dropped")
                .containsOnly("SIP/2.0 400 Missing SDP offer").hasSize(10);
        h.receive(B, request("INVITE", "z9hG4bK-y", UUID.randomUUID().toString(), 1, null, null));
        assertThat(h.statusLines(B)).containsExactly("SIP/2.0 400 Missing SDP offer");
        h.advance(1_000);
        for (int i = 0; i < 30; i++) {
            String options = request("OPTIONS", "z9hG4bK-z" + i, UUID.randomUUID().toString(), 1, null, null);
            h.receive(A, "GARBAGE" + options.substring(options.indexOf("\r\n")));
        }
        assertThat(h.statusLines(A)).as("one second refills half the burst").containsOnly("SIP/2.0 400 Bad Request-Line")
                .hasSize(5);
    }

    @Test
    void onlyListedNetworksAreServedWhenAnAllowlistIsSet() {
        start(100, new SipLimits(Duration.ofSeconds(8), 100, 0, 1, 0, List.of(IpNetwork.parse("127.0.0.2/32"))));
        h.receive(A, request("OPTIONS", "z9hG4bK-l1", UUID.randomUUID().toString(), 1, null, null));
        h.invite(A, "z9hG4bK-l2");
        assertThat(h.sent(A)).as("not even an error: a stranger learns nothing").isEmpty();
        assertThat(h.app.invites).isEmpty();
        h.receive(B, request("OPTIONS", "z9hG4bK-l3", UUID.randomUUID().toString(), 1, null, null));
        assertThat(h.statusLines(B)).containsExactly("SIP/2.0 200 OK");
    }
}
