package io.voxcpm.sip;

import io.netty.channel.socket.DatagramPacket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of the SIP layer per call set-up and tear-down (INVITE with a UniMRCP-style offer, 100 Trying + 200 OK
 * with the SDP answer, ACK, BYE, 200 OK) on one thread, with the session layer stood in by {@link TestSessions}
 * (real SDP negotiation and answer, no RTP socket). Requests are handed to the user agent server as received
 * datagrams, as in {@link UasHarness}; virtual time moves 10 ms a call, so finished transactions linger and
 * expire as at 100 calls/s. Not a JMH benchmark: it prints the thread's CPU µs per call, the figure the sip
 * event loop pays. Run with
 * {@code java -cp <test classpath> io.voxcpm.sip.SipSetupBenchmark [calls] [rounds]} (defaults 20,000 and 5;
 * the first round is warm-up).
 */
public final class SipSetupBenchmark {

    private static final InetSocketAddress PBX = new InetSocketAddress("127.0.0.1", 5062);

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (UasHarness h = new UasHarness()) {
            h.start(SipConfig.defaults().withSourceLimits(new SipLimits(Duration.ofSeconds(8), 5000, 0, 1, 0,
                    List.of())));
            long serial = 0;
            for (int round = 0; round < rounds; round++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    call(h, serial++);
                }
                double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / calls;
                double wallUs = (System.nanoTime() - wall) / 1e3 / calls;
                System.out.printf("round %d%s: %d calls, %.1f µs CPU per call (INVITE+ACK+BYE), %.1f µs wall%n",
                        round, round == 0 ? " (warm-up)" : "", calls, cpuUs, wallUs);
            }
        }
    }

    private static void call(UasHarness h, long n) {
        String callId = "bench-" + n;
        String branch = "z9hG4bK" + Long.toHexString(n);
        h.receive(PBX, invite(branch + "i", callId));
        String toTag = null;
        for (Object m; (m = h.udp.readOutbound()) != null; ) {
            DatagramPacket packet = (DatagramPacket) m;
            if (toTag == null) {
                toTag = toTag(packet.content().toString(StandardCharsets.UTF_8));
            }
            packet.release();
        }
        h.receive(PBX, inDialog("ACK", branch + "a", callId, toTag, 1));
        h.receive(PBX, inDialog("BYE", branch + "b", callId, toTag, 2));
        h.discardSent();
        h.ticker.advance(10, TimeUnit.MILLISECONDS);
        h.udp.runPendingTasks();
    }

    private static String toTag(String response) {
        int to = response.indexOf("\r\nTo: ");
        int tag = response.indexOf(";tag=", to);
        return response.substring(tag + 5, response.indexOf("\r\n", tag));
    }

    private static String invite(String branch, String callId) {
        String sdp = SipTestClient.OFFER;
        return "INVITE sip:127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5062;rport;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:5062>;tag=f1\r\n"
                + "To: <sip:127.0.0.1:5060>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:127.0.0.1:5062>\r\n"
                + "User-Agent: FreeSWITCH\r\n"
                + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, MESSAGE, SUBSCRIBE, NOTIFY, REFER, UPDATE\r\n"
                + "Supported: timer, 100rel\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Disposition: session\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private static String inDialog(String method, String branch, String callId, String toTag, int cseq) {
        return method + " sip:127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5062;rport;branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:5062>;tag=f1\r\n"
                + "To: <sip:127.0.0.1:5060>;tag=" + toTag + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
