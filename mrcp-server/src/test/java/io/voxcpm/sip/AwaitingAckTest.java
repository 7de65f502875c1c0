package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cap on UDP sessions whose INVITE no ACK has confirmed, over real datagrams: 127.0.0.1 and 127.0.0.2 stand
 * for two source hosts. A spoofed INVITE is never acknowledged, so these are the sessions a stranger can hold.
 */
class AwaitingAckTest {

    private static final int WAIT = 5000;
    private final TestSessions app = new TestSessions();
    private SipServer server;

    @BeforeEach
    void start() throws InterruptedException {
        // three in all, two per source; a 200 OK without ACK ends its call after 1 s (Timer H is 2.56 s)
        SipLimits limits = new SipLimits(Duration.ofSeconds(1), 5000, 0, 1, 0, List.of()).withAwaitingAck(3, 2);
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withT1(Duration.ofMillis(40)).withSourceLimits(limits), app);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void unacknowledgedInvitesBeyondTheCapsGet503AndTheirPlacesComeBackOnRejectionAckAndTimeout() throws Exception {
        try (SipTestClient a = SipTestClient.udp(server.udpPort(), "127.0.0.1");
             SipTestClient b = SipTestClient.udp(server.udpPort(), "127.0.0.2")) {
            SipTestClient.Dialog pending = new SipTestClient.Dialog();
            a.send(a.invite(pending, "slow", SipTestClient.branch()));  // the application has not answered yet
            assertThat(finalFor(a, invite(a)).getStatusCode()).isEqualTo(200);
            SIPResponse perSource = finalFor(a, invite(a));
            assertThat(perSource.getStatusCode()).as("a third from one source").isEqualTo(503);
            assertThat(perSource.encode()).contains("Retry-After: 1")
                    .contains("Warning: 399 voxcpm-mrcp \"2 sessions from 127.0.0.1 await their ACK (the per-source cap)\"");

            SipTestClient.Dialog fromB = new SipTestClient.Dialog();
            SIPResponse ok = finalFor(b, invite(b, fromB));
            assertThat(ok.getStatusCode()).as("another source gets in").isEqualTo(200);
            SIPResponse global = finalFor(b, invite(b));
            assertThat(global.getStatusCode()).as("a fourth in all").isEqualTo(503);
            assertThat(global.encode()).contains("3 sessions await their ACK (the cap)");
            assertThat(app.invites).hasSize(3);

            b.send(b.request("ACK", b.uri(null), fromB.withToTagFrom(ok), 1, SipTestClient.branch(), null, null, null));
            await().atMost(Duration.ofSeconds(WAIT / 1000)).untilAsserted(() ->
                    assertThat(finalFor(b, invite(b)).getStatusCode()).as("B's ACK gave its place back").isEqualTo(200));

            app.release();  // the pending INVITE is rejected: nothing was set up, nothing to confirm
            assertThat(finalFor(a, pending.callId).getStatusCode()).isEqualTo(480);
            assertThat(finalFor(a, invite(a)).getStatusCode()).as("the rejected one's place").isEqualTo(200);

            // A's two and B's second never send their ACK: the ack timeout ends them and frees their places
            await().atMost(Duration.ofSeconds(WAIT / 1000)).untilAsserted(() ->
                    assertThat(app.terminations).filteredOn(t -> t.endsWith(" ACK_TIMEOUT")).hasSize(3));
            assertThat(finalFor(a, invite(a)).getStatusCode()).isEqualTo(200);
            assertThat(finalFor(a, invite(a)).getStatusCode()).isEqualTo(200);
        }
    }

    /** Sends a new INVITE; returns its Call-ID. */
    private static String invite(SipTestClient c) throws Exception {
        return invite(c, new SipTestClient.Dialog());
    }

    private static String invite(SipTestClient c, SipTestClient.Dialog d) throws Exception {
        c.send(c.invite(d, null, SipTestClient.branch()));
        return d.callId;
    }

    /** The final response to the INVITE of this Call-ID, skipping 2xx retransmissions of earlier calls. */
    private static SIPResponse finalFor(SipTestClient c, String callId) throws Exception {
        for (SIPResponse r; (r = c.receive(WAIT)) != null; ) {
            if (r.getStatusCode() >= 200 && callId.equals(r.getCallId().getCallId())) {
                return r;
            }
        }
        throw new AssertionError("no final response to " + callId);
    }
}
