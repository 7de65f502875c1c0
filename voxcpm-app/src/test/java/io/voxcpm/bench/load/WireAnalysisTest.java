package io.voxcpm.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireAnalysisTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_800_000_000_000L * MS;
    private static final String CHANNEL = "6f1b2c3d4e5f6a7b@speechsynth";

    private static String invite(String callId) {
        return SipText.invite("sip:127.0.0.1:8060", 5090, "b1", "t1", callId,
                SipText.offer(40000, SipText.Codec.PCMU, true, 20));
    }

    private static String ok(String callId) {
        String sdp = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=application 1544 TCP/MRCPv2 1\r\na=setup:passive\r\na=connection:new\r\na=channel:" + CHANNEL
                + "\r\na=cmid:1\r\nm=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\na=mid:1\r\n";
        return "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKb1\r\nFrom: <sip:a>;tag=t1\r\n"
                + "To: <sip:b>;tag=s1\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    @Test
    void joinsSipMrcpAndRtpByWhatTheWireCarriesAndTimesEveryStepFromTheCapture() throws Exception {
        String speak = MrcpFramingTest.message(" SPEAK 1\r\nChannel-Identifier: " + CHANNEL
                + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        String inProgress = MrcpFramingTest.message(" 1 200 IN-PROGRESS\r\nChannel-Identifier: " + CHANNEL + "\r\n\r\n");
        String complete = MrcpFramingTest.message(" SPEAK-COMPLETE 1 COMPLETE\r\nChannel-Identifier: " + CHANNEL
                + "\r\nCompletion-Cause: 000 normal\r\n\r\n");
        int half = 20;
        byte[] control = PcapFiles.loopback(65535)
                .udp(T0, 5090, 8060, invite("call-1"))
                .udp(T0 + 2 * MS, 8060, 5090, "SIP/2.0 100 Trying\r\nCall-ID: call-1\r\nCSeq: 1 INVITE\r\n\r\n")
                .udp(T0 + 5 * MS, 8060, 5090, ok("call-1"))
                .udp(T0 + 500 * MS, 8060, 5090, ok("call-1"))                       // retransmitted 200
                .tcp(T0 + 10 * MS, 51000, 1544, 999, 0x02, new byte[0])             // SYN
                .tcp(T0 + 10 * MS, 1544, 51000, 4999, 0x12, new byte[0])            // SYN-ACK
                .tcp(T0 + 1000 * MS, 51000, 1544, 1000, speak.substring(0, half))   // SPEAK in two segments
                .tcp(T0 + 1001 * MS, 51000, 1544, 1000 + half, speak.substring(half))
                .tcp(T0 + 1003 * MS, 1544, 51000, 5000, inProgress)
                .tcp(T0 + 1004 * MS, 1544, 51000, 5000, inProgress)                 // TCP retransmission
                .tcp(T0 + 4000 * MS, 1544, 51000, 5000 + inProgress.length(), complete)
                .bytes();
        PcapFiles rtp = PcapFiles.loopback(Capture.RTP_SNAPLEN)
                .udp(T0 + 900 * MS, 5000, 40000, PcapFiles.rtp(1, 0, 160)); // before the SPEAK: not its stream
        for (int i = 0; i < 100; i++) {
            rtp.udp(T0 + 1010 * MS + i * 20 * MS, 5000, 40000, PcapFiles.rtp(100 + i, 8000 + i * 160L, 160));
        }
        rtp.udp(T0 + 1010 * MS, 5000, 41000, PcapFiles.rtp(1, 0, 160)); // outside the client's range

        WireAnalysis w = new WireAnalysis(8060, 1544, 40000, 40999);
        w.readControl(new ByteArrayInputStream(control));
        w.readRtp(new ByteArrayInputStream(rtp.bytes()));
        Stats jitter = new Stats();
        List<WireAnalysis.Call> calls = w.calls(8000, jitter);

        assertThat(calls).hasSize(1);
        WireAnalysis.Call c = calls.get(0);
        assertThat(c.rtpPort).isEqualTo(40000);
        assertThat(c.channel).isEqualTo(CHANNEL);
        assertThat((c.ok - c.invite) / (double) MS).isEqualTo(5.0);
        assertThat((c.speak - T0) / MS).isEqualTo(1001);        // the segment that completed the SPEAK
        assertThat((c.response - c.speak) / (double) MS).isEqualTo(2.0);
        assertThat(c.responseStatus).isEqualTo(200);
        assertThat(c.responseState).isEqualTo("IN-PROGRESS");
        assertThat((c.firstRtp - c.response) / (double) MS).isEqualTo(7.0);
        assertThat((c.complete - T0) / MS).isEqualTo(4000);
        assertThat(c.stream.received()).isEqualTo(100);
        assertThat(c.stream.pacing()).isCloseTo(1.0, within(1e-9));
        assertThat(jitter.count()).isEqualTo(99);
        assertThat(w.finals).containsEntry(200, 1);
        assertThat(w.health.tcpGaps).isZero();
        assertThat(w.health.rtpPackets).isEqualTo(101);

        Report report = new Report(new java.util.LinkedHashMap<>(), calls, jitter);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> toRtp = (java.util.Map<String, Object>) report.json.get("in_progress_to_first_rtp_ms");
        assertThat(toRtp).containsEntry("p99", 7.0).containsEntry("n", 1);
    }

    @Test
    void bytesTheCaptureMissedAreCountedAndReadingResumesAtTheNextMessage() throws Exception {
        String inProgress = MrcpFramingTest.message(" 1 200 IN-PROGRESS\r\nChannel-Identifier: " + CHANNEL + "\r\n\r\n");
        String complete = MrcpFramingTest.message(" SPEAK-COMPLETE 1 COMPLETE\r\nChannel-Identifier: " + CHANNEL
                + "\r\n\r\n");
        byte[] control = PcapFiles.loopback(65535)
                .tcp(T0, 1544, 51000, 5000, inProgress.substring(0, 10))
                // the rest of IN-PROGRESS never captured
                .tcp(T0 + 5 * MS, 1544, 51000, 5000 + inProgress.length(), complete)
                .bytes();
        WireAnalysis w = new WireAnalysis(8060, 1544, 40000, 40999);
        w.readControl(new ByteArrayInputStream(control));
        assertThat(w.health.tcpGaps).isEqualTo(1);
        assertThat(w.health.framingErrors).isZero();
    }
}
