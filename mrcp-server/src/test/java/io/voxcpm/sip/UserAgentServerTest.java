package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction and dialog layers on virtual time ({@link UasHarness}): requests are handed to the user agent
 * server as received datagrams and its responses are read back from the channel. RFC 3261's timers (T1 500 ms,
 * T2 4 s, Timer H 32 s) are checked to the millisecond, where the socket tests can only count copies within a
 * window.
 */
class UserAgentServerTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5062);

    private final UasHarness h = new UasHarness();
    /** The ACK wait is Timer H itself here (the shorter default is {@link SourceLimitsTest}'s). */
    private final UserAgentServer uas = h.start(SipConfig.defaults().withSourceLimits(new SipLimits(
            Duration.ofSeconds(32), 5000, 0, 1, 0, List.of())));
    private final String callId = UUID.randomUUID().toString();
    private long nowMs;

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void anUnackedOkIsRepeatedAtT1DoublingToT2UntilTimerHEndsTheCall() {
        h.receive(CLIENT, invite("z9hG4bK-1"));
        assertThat(h.sent(CLIENT)).extracting(UasHarness::statusLine)
                .containsExactly("SIP/2.0 100 Trying", "SIP/2.0 200 OK");
        List<Long> repeats = new ArrayList<>();
        while (nowMs < 31_999) {
            advance(1);
            for (String r : h.sent(CLIENT)) {
                assertThat(UasHarness.statusLine(r)).isEqualTo("SIP/2.0 200 OK");
                repeats.add(nowMs);
            }
        }
        assertThat(repeats).containsExactly(500L, 1_500L, 3_500L, 7_500L, 11_500L, 15_500L, 19_500L, 23_500L,
                27_500L, 31_500L);
        assertThat(h.app.terminations).isEmpty();
        assertThat(uas.dialogCount()).isEqualTo(1);
        advance(1);
        assertThat(h.app.terminations).as("Timer H, 64*T1 after the 200").containsExactly(callId + " ACK_TIMEOUT");
        assertThat(uas.dialogCount()).isZero();
        assertThat(uas.transactionCount()).isZero();
    }

    @Test
    void theAckStopsTheRepeatsAndTheByeEndsTheDialogOnce() {
        h.receive(CLIENT, invite("z9hG4bK-2"));
        String ok = h.sent(CLIENT).get(1);
        String toTag = UasHarness.toTag(ok);
        advance(600);
        assertThat(h.sent(CLIENT)).hasSize(1);
        h.receive(CLIENT, request("ACK", "z9hG4bK-3", 1, toTag, null));
        advance(40_000);
        assertThat(h.sent(CLIENT)).as("no repeat after the ACK").isEmpty();
        assertThat(uas.dialogCount()).isEqualTo(1);
        assertThat(uas.transactionCount()).as("the INVITE's transaction is gone after Timer H").isZero();

        h.receive(CLIENT, request("BYE", "z9hG4bK-4", 2, toTag, null));
        assertThat(h.sent(CLIENT)).extracting(UasHarness::statusLine).containsExactly("SIP/2.0 200 OK");
        h.receive(CLIENT, request("BYE", "z9hG4bK-4", 2, toTag, null));
        assertThat(h.sent(CLIENT)).as("a retransmitted BYE is answered again").extracting(UasHarness::statusLine)
                .containsExactly("SIP/2.0 200 OK");
        assertThat(h.app.terminations).containsExactly(callId + " BYE");
        advance(32_000);
        assertThat(uas.transactionCount()).isZero();
    }

    @Test
    void optionsCarriesTheCapabilitiesTheApplicationSupplies() {
        h.receive(CLIENT, request("OPTIONS", "z9hG4bK-5", 1, null, null));
        String ok = h.sent(CLIENT).get(0);
        assertThat(UasHarness.statusLine(ok)).isEqualTo("SIP/2.0 200 OK");
        assertThat(ok).contains("Allow: INVITE,ACK,BYE,CANCEL,OPTIONS", "a=resource:speechsynth",
                "c=IN IP4 127.0.0.1");
    }

    private String invite(String branch) {
        return request("INVITE", branch, 1, null, SipTestClient.OFFER);
    }

    private String request(String method, String branch, int cseq, String toTag, String sdp) {
        return UasHarness.request(method, branch, callId, cseq, toTag, sdp);
    }

    private void advance(long ms) {
        h.advance(ms);
        nowMs += ms;
    }
}
