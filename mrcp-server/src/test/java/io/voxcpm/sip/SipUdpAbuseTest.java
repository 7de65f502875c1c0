package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a spoofed UDP source can make the server send: a rejection decided before any state exists is sent
 * once (never on Timer G), while the sender's own retransmission still gets it again. And a datagram larger
 * than Netty's default 2 KiB receive buffer arrives whole.
 */
class SipUdpAbuseTest {

    private static final int T1_MS = 40;
    /** Timer G would have fired 6 times by now: 40+80+160+320+640+1280 ms. */
    private static final int SILENCE_MS = 1_500;
    private final TestSessions app = new TestSessions();
    private SipServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withT1(Duration.ofMillis(T1_MS)), app);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anInviteWithoutSdpIsAnsweredOnceAndAgainOnlyWhenRetransmitted() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String invite = c.request("INVITE", c.uri(null), d, 1, SipTestClient.branch(), null, null, null);
            c.send(invite);
            assertThat(c.receive(3000).getStatusCode()).isEqualTo(400);
            assertThat(c.receive(SILENCE_MS)).as("no Timer G retransmission of a pre-state 400").isNull();
            c.send(invite);
            SIPResponse again = c.receive(3000);
            assertThat(again.getStatusCode()).as("the retransmitted INVITE is answered from the transaction")
                    .isEqualTo(400);
            assertThat(c.receive(SILENCE_MS)).isNull();
            assertThat(app.invites).isEmpty();
        }
    }

    @Test
    void aReinviteForAnUnknownDialogIsAnsweredOnce() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            d.toTag = "spoofed";
            c.send(c.request("INVITE", c.uri(null), d, 2, SipTestClient.branch(), null, "application/sdp",
                    SipTestClient.OFFER));
            assertThat(c.receive(3000).getStatusCode()).isEqualTo(481);
            assertThat(c.receive(SILENCE_MS)).isNull();
        }
    }

    @Test
    void aTooShortSessionTimerIsAnsweredOnce() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            c.send(c.request("INVITE", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(),
                    "Session-Expires: 30\r\n", "application/sdp", SipTestClient.OFFER));
            assertThat(c.receive(3000).getStatusCode()).isEqualTo(422);
            assertThat(c.receive(SILENCE_MS)).isNull();
        }
    }

    @Test
    void aRejectionAfter100TryingIsStillRetransmittedUntilTheAck() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            c.send(c.request("INVITE", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(), null,
                    "application/sdp", SipTestClient.OFFER.replace("RTP/AVP 0 8 96", "RTP/AVP 18")));
            assertThat(c.receive(3000).getStatusCode()).isEqualTo(100);
            assertThat(c.receive(3000).getStatusCode()).isEqualTo(488);
            assertThat(c.receive(SILENCE_MS).getStatusCode()).as("RFC 3261 Timer G: the client was told to wait")
                    .isEqualTo(488);
        }
    }

    @Test
    void aDatagramOfTensOfKilobytesArrivesWhole() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            String padding = "a=x-padding:" + "p".repeat(70) + "\r\n";
            String offer = SipTestClient.OFFER + padding.repeat(40_000 / padding.length());
            c.send(c.request("INVITE", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(), null,
                    "application/sdp", offer));
            assertThat(c.receiveFinal(3000).getStatusCode()).isEqualTo(200);
            assertThat(app.invites).hasSize(1);
        }
    }
}
