package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SipServerTest {

    private static final int WAIT = 3000;
    private final TestSessions app = new TestSessions();
    private SipServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withT1(Duration.ofMillis(40)), app);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SipTestClient client(String transport) throws IOException {
        return transport.equals("udp") ? SipTestClient.udp(server.udpPort()) : SipTestClient.tcp(server.tcpPort());
    }

    @Test
    void udpAndTcpShareOnePort() {
        assertThat(server.udpPort()).isPositive().isEqualTo(server.tcpPort());
    }

    @Test
    void theUdpSocketHoldsABurstOfInvitesBeyondTheKernelDefault() {
        // Linux's default (rmem_default, 208 KiB) holds ~90 INVITEs: a burst beyond that was dropped while the loop
        // was busy, each drop costing its caller a 500 ms+ retransmission (bench load, N = 1,000 at 400/s: 2,672)
        assertThat(server.udpReceiveBufferBytes()).isGreaterThan(212_992);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void inviteAckBye(String transport) throws Exception {
        try (SipTestClient c = client(transport)) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));

            SIPResponse trying = c.receive(WAIT);
            assertThat(trying.getStatusCode()).isEqualTo(100);
            SIPResponse ok = c.receive(WAIT);
            assertThat(ok.getStatusCode()).isEqualTo(200);
            assertThat(ok.getToTag()).isNotBlank();
            assertThat(ok.getCallId().getCallId()).isEqualTo(d.callId);
            assertThat(ok.getContentTypeHeader().getContentType() + "/" + ok.getContentTypeHeader().getContentSubType())
                    .isEqualTo("application/sdp");
            assertThat(ok.getHeader("Contact").toString())
                    .contains("sip:127.0.0.1:" + server.udpPort() + ";transport=" + transport);
            assertThat(allow(ok)).containsExactly("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS");
            assertThat(ok.getHeader("Supported").toString()).contains("timer");
            assertThat(ok.getTopmostVia().getParameter("rport")).isEqualTo(Integer.toString(c.localPort()));
            String sdp = new String(ok.getRawContent(), StandardCharsets.UTF_8);
            assertThat(sdp).contains("m=application 1544 TCP/MRCPv2 1", "a=channel:", "@speechsynth",
                    "m=audio 5000 RTP/AVP 0", "a=sendonly");
            assertThat(app.invites).singleElement().satisfies(call -> {
                assertThat(call.callId()).isEqualTo(d.callId);
                assertThat(call.transport()).isEqualToIgnoringCase(transport);
                assertThat(call.requestUser()).isNull();
                assertThat(call.userAgent()).isEqualTo("FreeSWITCH");
                assertThat(call.remote().getPort()).isEqualTo(c.localPort());
            });

            d.withToTagFrom(ok);
            c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
            c.send(c.request("BYE", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
            SIPResponse byeOk = c.receiveFinal(WAIT, "BYE");
            assertThat(byeOk.getStatusCode()).isEqualTo(200);
            assertThat(byeOk.getCSeq().getMethod()).isEqualTo("BYE");
            await().untilAsserted(() -> assertThat(app.terminations).containsExactly(d.callId + " BYE"));
        }
    }

    @Test
    void requestUserIsPassedOn() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            c.send(c.invite(new SipTestClient.Dialog(), "voxcpm-zh", SipTestClient.branch()));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(200);
            assertThat(app.invites).singleElement().extracting(SipCall::requestUser).isEqualTo("voxcpm-zh");
        }
    }

    @Test
    void udp200IsRetransmittedUntilTheAck() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            SIPResponse first = c.receiveFinal(WAIT);
            SIPResponse second = c.receiveFinal(WAIT);
            SIPResponse third = c.receiveFinal(WAIT);
            assertThat(second.encode()).isEqualTo(first.encode());
            assertThat(third.encode()).isEqualTo(first.encode());

            c.send(c.request("ACK", c.uri(null), d.withToTagFrom(first), 1, SipTestClient.branch(), null, null, null));
            // drain what was already in flight, then nothing more may come (T2 is 320 ms here)
            long quietUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            int lateRetransmissions = 0;
            while (System.nanoTime() < quietUntil) {
                if (c.receive(100) != null) {
                    lateRetransmissions++;
                }
            }
            assertThat(lateRetransmissions).isLessThanOrEqualTo(1);
            assertThat(app.terminations).isEmpty();
        }
    }

    @Test
    void timerHEndsACallThatIsNeverAcked() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            int oks = 0;
            for (SIPResponse r; (r = c.receive(1000)) != null; ) {
                if (r.getStatusCode() == 200) {
                    oks++;
                }
            }
            // 64*T1 = 2.56 s with T1 40 ms, T2 320 ms: 40, 80, 160, 320, 320 ... => about 10 copies
            assertThat(oks).isBetween(5, 15);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(app.terminations).containsExactly(d.callId + " ACK_TIMEOUT"));
            await().untilAsserted(() -> assertThat(server.stateSizes()).containsExactly(0, 0));
        }
    }

    @Test
    void retransmittedInviteIsAbsorbed() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String invite = c.invite(d, null, SipTestClient.branch());
            c.send(invite);
            SIPResponse ok = c.receiveFinal(WAIT);
            c.send(invite);
            c.send(invite);
            SIPResponse again = c.receiveFinal(WAIT);
            assertThat(again.getToTag()).isEqualTo(ok.getToTag());
            assertThat(again.getRawContent()).isEqualTo(ok.getRawContent());
            assertThat(app.invites).hasSize(1);
        }
    }

    @Test
    void inviteRetransmittedWhileTheAnswerIsPendingReachesTheApplicationOnce() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String branch = SipTestClient.branch();
            String invite = c.invite(d, "slow", branch);
            c.send(invite);
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(100);
            await().until(() -> app.pending.size() == 1);

            c.send(invite);
            c.send(invite);
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(100); // the provisional again, nothing more
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(100);
            app.release();
            SIPResponse answer = c.receiveFinal(WAIT);
            assertThat(answer.getStatusCode()).isEqualTo(480);
            assertThat(app.invites).hasSize(1);
            assertThat(app.pending).hasSize(1);
            c.send(c.request("ACK", c.uri("slow"), d.withToTagFrom(answer), 1, branch, null, null, null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void cancelBeforeTheAnswerGets487(String transport) throws Exception {
        try (SipTestClient c = client(transport)) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String branch = SipTestClient.branch();
            c.send(c.invite(d, "slow", branch));
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(100);
            await().until(() -> app.pending.size() == 1);

            c.send(c.request("CANCEL", c.uri("slow"), d, 1, branch, null, null, null));
            SIPResponse first = c.receive(WAIT);
            SIPResponse second = c.receive(WAIT);
            assertThat(first.getCSeq().getMethod() + " " + first.getStatusCode()).isEqualTo("CANCEL 200");
            assertThat(second.getCSeq().getMethod() + " " + second.getStatusCode()).isEqualTo("INVITE 487");
            await().untilAsserted(() -> assertThat(app.terminations).containsExactly(d.callId + " CANCEL"));

            c.send(c.request("ACK", c.uri("slow"), d.withToTagFrom(second), 1, branch, null, null, null));
            app.release();  // the late answer must go nowhere; a 487 retransmitted before the ACK landed may
            for (SIPResponse late; (late = c.receive(300)) != null; ) {
                assertThat(late.getStatusCode()).isEqualTo(487);
            }
            await().untilAsserted(() -> assertThat(server.stateSizes()[1]).isZero());
        }
    }

    @Test
    void cancelAfterTheAnswerOnlyAnswersTheCancel() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String branch = SipTestClient.branch();
            c.send(c.invite(d, null, branch));
            SIPResponse ok = c.receiveFinal(WAIT);
            c.send(c.request("ACK", c.uri(null), d.withToTagFrom(ok), 1, SipTestClient.branch(), null, null, null));
            d.toTag = null;
            c.send(c.request("CANCEL", c.uri(null), d, 1, branch, null, null, null));
            SIPResponse cancelOk = c.receiveFinal(WAIT, "CANCEL");
            assertThat(cancelOk.getCSeq().getMethod() + " " + cancelOk.getStatusCode()).isEqualTo("CANCEL 200");
            assertThat(app.terminations).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void optionsDescribesCapabilities(String transport) throws Exception {
        try (SipTestClient c = client(transport)) {
            c.send(c.request("OPTIONS", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(), null, null, null));
            SIPResponse ok = c.receive(WAIT);
            assertThat(ok.getStatusCode()).isEqualTo(200);
            assertThat(allow(ok)).contains("INVITE", "OPTIONS");
            assertThat(ok.getHeader("Accept").toString()).contains("application/sdp");
            assertThat(new String(ok.getRawContent(), StandardCharsets.UTF_8)).contains(
                    "m=application 0 TCP/MRCPv2 1", "a=resource:speechsynth", "m=audio 0 RTP/AVP 0 8 9 96 97", "a=rtpmap:9 G722/8000",
                    "a=rtpmap:97 L16/16000");
        }
    }

    @Test
    void reinviteInTheDialogReachesTheApplication() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            SIPResponse ok = c.receiveFinal(WAIT);
            d.withToTagFrom(ok);
            c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));

            c.send(c.request("INVITE", c.uri(null), d, 2, SipTestClient.branch(), null, "application/sdp", SipTestClient.OFFER));
            // the 200 to the first INVITE repeats every T1 (40 ms here) until the ACK is read: pass over those
            SIPResponse reOk = c.receiveFinal(WAIT);
            while (reOk.getCSeq().getSeqNumber() == 1) {
                assertThat(reOk.encode()).as("a retransmission of the first answer").isEqualTo(ok.encode());
                reOk = c.receiveFinal(WAIT);
            }
            assertThat(reOk.getStatusCode()).isEqualTo(200);
            assertThat(reOk.getCSeq().getSeqNumber()).isEqualTo(2);
            assertThat(reOk.getToTag()).isEqualTo(ok.getToTag());
            assertThat(app.reinvites).singleElement().extracting(SipCall::callId).isEqualTo(d.callId);
            assertThat(app.invites).hasSize(1);
        }
    }

    @Test
    void inDialogRequestsForUnknownDialogsGet481() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            d.toTag = "nosuchtag";
            c.send(c.request("BYE", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(481);
            c.send(c.request("INVITE", c.uri(null), d, 3, SipTestClient.branch(), null, "application/sdp", SipTestClient.OFFER));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(481);
            assertThat(app.terminations).isEmpty();
        }
    }

    @Test
    void invitesTheApplicationCannotServe() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.request("INVITE", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(400);
            c.send(c.request("INVITE", c.uri(null), d, 2, SipTestClient.branch(), null, "text/plain", "hello"));
            SIPResponse unsupported = c.receiveFinal(WAIT);
            assertThat(unsupported.getStatusCode()).isEqualTo(415);
            assertThat(unsupported.getHeader("Accept").toString()).contains("application/sdp");
            c.send(c.request("INVITE", c.uri(null), d, 3, SipTestClient.branch(), null, "application/sdp",
                    SipTestClient.OFFER.replace("speechsynth", "speechrecog")));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(404);
            c.send(c.request("INVITE", c.uri(null), d, 4, SipTestClient.branch(), null, "application/sdp",
                    SipTestClient.OFFER.replace("RTP/AVP 0 8 96", "RTP/AVP 18")));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(488);
            assertThat(app.invites).hasSize(2);
        }
    }

    @Test
    void otherMethodsGet405Or501WithAllow() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            c.send(c.request("REGISTER", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(), null, null, null));
            SIPResponse r405 = c.receive(WAIT);
            assertThat(r405.getStatusCode()).isEqualTo(405);
            assertThat(allow(r405)).contains("INVITE", "BYE");
            c.send(c.request("FROBNICATE", c.uri(null), new SipTestClient.Dialog(), 1, SipTestClient.branch(), null, null, null));
            SIPResponse r501 = c.receive(WAIT);
            assertThat(r501.getStatusCode()).isEqualTo(501);
            assertThat(allow(r501)).contains("INVITE", "BYE");
        }
    }

    @Test
    void malformedRequestsGet400OrAreDropped() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            String badCseq = c.request("OPTIONS", c.uri(null), d, 1, SipTestClient.branch(), null, null, null)
                    .replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS");
            c.send(badCseq);
            SIPResponse r = c.receive(WAIT);
            assertThat(r.getStatusCode()).isEqualTo(400);
            assertThat(r.getCallId().getCallId()).isEqualTo(d.callId);

            c.send("this is not SIP at all\r\n\r\n");
            c.sendBytes(new byte[] {0, 1, 2, 3, (byte) 0xff});
            assertThat(c.receive(300)).isNull();

            // still serving
            c.send(c.request("OPTIONS", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
            assertThat(c.receive(WAIT).getStatusCode()).isEqualTo(200);
        }
    }

    @Test
    void stateIsReleasedAfterManyCalls() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            for (int i = 0; i < 50; i++) {
                SipTestClient.Dialog d = new SipTestClient.Dialog();
                c.send(c.invite(d, null, SipTestClient.branch()));
                SIPResponse ok = c.receiveFinal(WAIT);
                d.withToTagFrom(ok);
                c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
                c.send(c.request("BYE", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
                SIPResponse byeOk = c.receiveFinal(WAIT, "BYE");
                assertThat(byeOk.getCSeq().getMethod()).isEqualTo("BYE");
            }
            await().untilAsserted(() -> assertThat(app.terminations).hasSize(50));
            // finished transactions linger 64*T1 (2.56 s) to absorb retransmissions, then go
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(server.stateSizes()).containsExactly(0, 0));
        }
    }

    @Test
    void dialogLimitAnswers503() throws Exception {
        server.close();
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withLimits(2, 100), app);
        try (SipTestClient c = SipTestClient.tcp(server.tcpPort())) {
            for (int i = 0; i < 2; i++) {
                c.send(c.invite(new SipTestClient.Dialog(), null, SipTestClient.branch()));
                assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(200);
            }
            c.send(c.invite(new SipTestClient.Dialog(), null, SipTestClient.branch()));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(503);
        }
        server.close();
        assertThat(app.terminations).hasSize(2).allMatch(t -> t.endsWith(" SHUTDOWN"));
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0), app);
    }

    @Test
    void wildcardBindAdvertisesTheArrivalAddressOrTheExternalOne() throws Exception {
        server.close();
        server = SipServer.start(SipConfig.defaults().withBindAddress("0.0.0.0").withPort(0), app);
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            c.send(c.invite(new SipTestClient.Dialog(), null, SipTestClient.branch()));
            assertThat(c.receiveFinal(WAIT).getHeader("Contact").toString())
                    .contains("<sip:127.0.0.1:" + server.udpPort() + ";transport=udp>");
            assertThat(app.invites).singleElement().extracting(call -> call.local().getAddress().getHostAddress())
                    .isEqualTo("127.0.0.1");
        }
        server.close();
        server = SipServer.start(SipConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
                .withExternalAddress("203.0.113.9"), app);
        try (SipTestClient c = SipTestClient.tcp(server.tcpPort())) {
            c.send(c.invite(new SipTestClient.Dialog(), null, SipTestClient.branch()));
            assertThat(c.receiveFinal(WAIT).getHeader("Contact").toString())
                    .contains("<sip:203.0.113.9:" + server.tcpPort() + ";transport=tcp>");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void theApplicationHangsUpWithAByeToThePeer(String transport) throws Exception {
        try (SipTestClient c = client(transport)) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            d.withToTagFrom(c.receiveFinal(WAIT));
            c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
            await().untilAsserted(() -> assertThat(server.stateSizes()[1]).isEqualTo(1));

            app.invites.get(0).hangUp("no MRCP request for 600 s after the last SPEAK");
            gov.nist.javax.sip.message.SIPRequest bye = (gov.nist.javax.sip.message.SIPRequest) c.receiveMessage(WAIT);
            assertThat(bye.getMethod()).isEqualTo("BYE");
            assertThat(bye.getRequestURI().toString()).isEqualTo("sip:127.0.0.1:" + c.localPort());
            assertThat(bye.getCallId().getCallId()).isEqualTo(d.callId);
            assertThat(bye.getFromTag()).as("our tag is the From tag now").isEqualTo(d.toTag);
            assertThat(bye.getToTag()).isEqualTo(d.fromTag);
            assertThat(bye.getHeader("Reason").toString())
                    .contains("text=\"no MRCP request for 600 s after the last SPEAK\"");
            assertThat(server.stateSizes()[1]).as("the dialog is gone at once").isZero();

            c.send(new String(bye.createResponse(200, "OK").encodeAsBytes(transport.toUpperCase()),
                    StandardCharsets.UTF_8));
            c.send(c.request("BYE", c.uri(null), d, 2, SipTestClient.branch(), null, null, null));
            assertThat(c.receiveFinal(WAIT).getStatusCode()).isEqualTo(481);
            if (transport.equals("udp")) {
                assertThat(c.receiveMessage(10 * 40)).as("answered: our BYE is not repeated").isNull();
            }
            assertThat(app.terminations).as("the application ended it: not told again").isEmpty();
        }
    }

    @Test
    void anUnansweredByeIsRepeatedOverUdpUntilTimerF() throws Exception {
        try (SipTestClient c = SipTestClient.udp(server.udpPort())) {
            SipTestClient.Dialog d = new SipTestClient.Dialog();
            c.send(c.invite(d, null, SipTestClient.branch()));
            d.withToTagFrom(c.receiveFinal(WAIT));
            c.send(c.request("ACK", c.uri(null), d, 1, SipTestClient.branch(), null, null, null));
            await().untilAsserted(() -> assertThat(server.stateSizes()[1]).isEqualTo(1));
            app.invites.get(0).hangUp("shutdown of this call");
            int byes = 0;
            for (var m = c.receiveMessage(WAIT); m != null; m = c.receiveMessage(1000)) {
                byes++;
            }
            // T1 = 40 ms: sent at 0, 40, 120, 280, 600, then every T2 = 320 ms until Timer F at 2560 ms
            assertThat(byes).isBetween(9, 12);
        }
    }

    private static java.util.List<String> allow(SIPResponse response) {
        java.util.List<String> methods = new java.util.ArrayList<>();
        response.getHeaders("Allow").forEachRemaining(h -> methods.add(((javax.sip.header.AllowHeader) h).getMethod()));
        return methods;
    }
}
