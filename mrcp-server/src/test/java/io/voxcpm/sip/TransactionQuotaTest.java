package io.voxcpm.sip;

import static io.voxcpm.sip.UasHarness.request;
import static io.voxcpm.sip.UasHarness.toTag;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction quotas count what is in progress, not the finished transactions kept 64*T1 to absorb
 * retransmissions, on virtual time ({@link UasHarness}): a PBX's sustained call rate is served for as long as it
 * lasts, a flood of unanswered or unacknowledged INVITEs is still refused, and finished transactions are
 * forgotten oldest first, each source's own before anyone else's.
 */
class TransactionQuotaTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5062);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 5062);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.3", 5062);

    private final UasHarness h = new UasHarness();
    private int branches;

    @AfterEach
    void close() {
        h.close();
    }

    /** A call set up and acknowledged from {@code from}: its Call-ID and our To tag. */
    private record Call(String callId, String toTag) { }

    private Call call(InetSocketAddress from) {
        String callId = h.invite(from, branch());
        List<String> answer = h.sent(from);
        assertThat(answer).extracting(UasHarness::statusLine).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        String toTag = toTag(answer.get(1));
        h.receive(from, request("ACK", branch(), callId, 1, toTag, null));
        return new Call(callId, toTag);
    }

    private String bye(InetSocketAddress from, Call call, String branch) {
        h.receive(from, request("BYE", branch, call.callId, 2, call.toTag, null));
        return String.join(",", h.statusLines(from));
    }

    private String branch() {
        return "z9hG4bK-q" + branches++;
    }

    private static String slowInvite(String branch) {
        return request("INVITE", branch, UUID.randomUUID().toString(), 1, null, SipTestClient.OFFER)
                .replaceFirst("INVITE sip:", "INVITE sip:slow@");
    }

    @Test
    void seventySecondsOfAHundredCallsASecondFromOneSourceAreAllServedWithTheDefaultLimits() {
        h.start(SipConfig.defaults());
        ArrayDeque<Call> up = new ArrayDeque<>();
        int calls = 0;
        int mostLingering = 0;
        for (long ms = 0; ms < 72_000; ms += 10) {  // one call every 10 ms; each lasts 3 s, then the PBX hangs up
            if (ms < 70_000) {
                up.add(call(A));
                calls++;
            }
            while (up.size() > 300 || (ms >= 70_000 && !up.isEmpty())) {
                Call done = up.poll();
                assertThat(bye(A, done, branch())).as("BYE of call %d at %d ms", calls, ms).isEqualTo("SIP/2.0 200 OK");
            }
            mostLingering = Math.max(mostLingering, h.uas().lingeringTransactions());
            h.advance(10);
        }
        assertThat(h.uas().transactionsInProgress()).as("every call was answered and acknowledged at once").isZero();
        assertThat(calls).isEqualTo(7_000);
        assertThat(h.app.invites).hasSize(7_000);
        assertThat(h.app.terminations).hasSize(7_000).allMatch(t -> t.endsWith(" BYE"));
        assertThat(mostLingering).as("each call's INVITE and BYE kept 32 s: about 6,400, none forgotten")
                .isBetween(6_000, SipLimits.DEFAULTS.maxLingeringTransactionsPerSource());
    }

    @Test
    void theInProgressQuotaStillRefusesAFloodOfUnansweredOrUnacknowledgedInvites() {
        h.start(SipConfig.defaults().withLimits(100, 100).withSourceLimits(
                new SipLimits(Duration.ofSeconds(8), 3, 0, 1, 0, List.of()).withAwaitingAck(0, 0)));
        Call established = call(A);
        for (int i = 0; i < 20; i++) {
            h.receive(A, request("OPTIONS", branch(), UUID.randomUUID().toString(), 1, null, null));
        }
        assertThat(h.statusLines(A)).as("finished transactions do not count").hasSize(20).containsOnly("SIP/2.0 200 OK");

        h.receive(A, slowInvite(branch()));  // the application never answers this one
        h.invite(A, branch());  // answered 200, never acknowledged
        h.invite(A, branch());
        assertThat(h.statusLines(A)).containsExactly("SIP/2.0 100 Trying", "SIP/2.0 100 Trying", "SIP/2.0 200 OK",
                "SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        assertThat(h.uas().transactionsInProgress()).isEqualTo(3);
        h.invite(A, branch());
        h.receive(A, request("OPTIONS", branch(), UUID.randomUUID().toString(), 1, null, null));
        List<String> refused = h.sent(A);
        assertThat(refused).extracting(UasHarness::statusLine)
                .containsExactly("SIP/2.0 503 Service Unavailable", "SIP/2.0 503 Service Unavailable");
        assertThat(refused.get(0)).contains("Retry-After: 1");
        assertThat(h.app.invites).hasSize(4);

        call(B);  // another source goes on
        assertThat(bye(A, established, branch())).as("a BYE ends state: let in over the quota").isEqualTo("SIP/2.0 200 OK");
        h.advance(8_000);  // the unacknowledged 2xx end at the ack timeout; the unanswered INVITE still holds its place
        h.discardSent();
        assertThat(h.uas().transactionsInProgress()).isEqualTo(1);
        call(A);
    }

    @Test
    void aSourcePastItsCapOnFinishedTransactionsForgetsItsOwnOldestFirst() {
        // in-progress quota 1 per source, so each source keeps its 2 newest finished transactions
        h.start(SipConfig.defaults().withLimits(100, 100).withSourceLimits(
                new SipLimits(Duration.ofSeconds(8), 1, 0, 1, 0, List.of())));
        Call fromB = call(B);
        String byeB = request("BYE", "z9hG4bK-byeB", fromB.callId, 2, fromB.toTag, null);
        h.receive(B, byeB);  // B keeps its INVITE and its BYE
        h.discardSent();
        Call[] fromA = {call(A), call(A), call(A)};
        for (int i = 0; i < 3; i++) {
            assertThat(bye(A, fromA[i], "z9hG4bK-byeA" + i)).isEqualTo("SIP/2.0 200 OK");
        }
        assertThat(h.uas().lingeringTransactions()).as("A's two newest and B's two").isEqualTo(4);

        h.receive(B, byeB);
        assertThat(h.statusLines(B)).as("B's older BYE is still absorbed").containsExactly("SIP/2.0 200 OK");
        assertThat(bye(A, fromA[1], "z9hG4bK-byeA1")).as("A's two newest BYEs, retransmitted")
                .isEqualTo("SIP/2.0 200 OK");
        assertThat(bye(A, fromA[2], "z9hG4bK-byeA2")).isEqualTo("SIP/2.0 200 OK");
        assertThat(bye(A, fromA[0], "z9hG4bK-byeA0")).as("A's oldest BYE was forgotten: the dialog is gone")
                .isEqualTo("SIP/2.0 481 Call/Transaction Does Not Exist");
        assertThat(h.app.terminations).hasSize(4);
    }

    @Test
    void pastTheGlobalCapTheOldestFinishedTransactionGoesButNothingInProgressDoes() {
        // 3 finished transactions kept in all (as many as may be in progress), 100 per source
        h.start(SipConfig.defaults().withLimits(100, 3).withSourceLimits(
                new SipLimits(Duration.ofSeconds(8), 50, 0, 1, 0, List.of())));
        Call fromA = call(A);
        assertThat(bye(A, fromA, "z9hG4bK-byeA")).isEqualTo("SIP/2.0 200 OK");
        String waiting = h.invite(B, branch());  // in progress until its ACK
        String toTag = toTag(h.sent(B).get(1));
        for (int i = 0; i < 20; i++) {
            h.receive(C, request("OPTIONS", branch(), UUID.randomUUID().toString(), 1, null, null));
        }
        h.discardSent();
        assertThat(h.uas().lingeringTransactions()).isEqualTo(3);
        assertThat(bye(A, fromA, "z9hG4bK-byeA")).as("A's BYE was the oldest: forgotten")
                .isEqualTo("SIP/2.0 481 Call/Transaction Does Not Exist");

        h.receive(B, request("ACK", branch(), waiting, 1, toTag, null));
        h.advance(9_000);
        assertThat(h.app.terminations).as("B's call was acknowledged, not dropped").doesNotContain(waiting + " ACK_TIMEOUT");
        assertThat(bye(B, new Call(waiting, toTag), branch())).isEqualTo("SIP/2.0 200 OK");
    }
}
