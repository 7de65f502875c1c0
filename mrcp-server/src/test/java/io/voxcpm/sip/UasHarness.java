package io.voxcpm.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The shared fixture of the user agent server tests, on virtual time: the server lives on an
 * {@link EmbeddedChannel}'s event loop with a mock ticker, requests (SIP text as a PBX at
 * {@code 127.0.0.x:5062} writes it) are handed to it as received datagrams from any source address, and its
 * responses are read back from the channel as text.
 */
final class UasHarness implements AutoCloseable {

    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5060);

    final MockTicker ticker = Ticker.newMockTicker();
    final EmbeddedChannel udp = EmbeddedChannel.builder().ticker(ticker).build();
    final TestSessions app = new TestSessions();
    private UserAgentServer uas;

    /** Makes the server under test; call once per test, before anything is received. */
    UserAgentServer start(SipConfig config) {
        uas = new UserAgentServer(config, app, udp.eventLoop());
        return uas;
    }

    UserAgentServer uas() {
        return uas;
    }

    @Override
    public void close() {
        udp.finishAndReleaseAll();
    }

    /** A request as the PBX writes it; {@code toTag} and {@code sdp} may be null. */
    static String request(String method, String branch, String callId, int cseq, String toTag, String sdp) {
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

    /** Sends a new INVITE with an offer from {@code from}; returns its Call-ID. */
    String invite(InetSocketAddress from, String branch) {
        String callId = UUID.randomUUID().toString();
        receive(from, request("INVITE", branch, callId, 1, null, SipTestClient.OFFER));
        return callId;
    }

    /** {@code message} arrives over UDP from {@code from}; what it starts runs. */
    void receive(InetSocketAddress from, String message) {
        receive(from, message, false);
    }

    /** As {@link #receive(InetSocketAddress, String)}, over a stream transport when {@code reliable}. */
    void receive(InetSocketAddress from, String message, boolean reliable) {
        uas.receive(new Inbound(message.getBytes(StandardCharsets.UTF_8), from, SERVER, udp, reliable));
        udp.runPendingTasks();
    }

    /** The datagrams sent since the last call, as text; every one must have gone to {@code to}. */
    List<String> sent(InetSocketAddress to) {
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

    /** The status lines of {@link #sent}. */
    List<String> statusLines(InetSocketAddress to) {
        return sent(to).stream().map(UasHarness::statusLine).toList();
    }

    /** Forgets what was sent so far, to whomever (2xx retransmissions to several sources). */
    void discardSent() {
        udp.outboundMessages().forEach(ReferenceCountUtil::release);
        udp.outboundMessages().clear();
    }

    static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    /** The tag our server put on the To header of {@code response}. */
    static String toTag(String response) {
        return response.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([0-9a-f]+).*", "$1");
    }

    /** Moves virtual time on by {@code ms}, one millisecond at a time, running every timer that falls due. */
    void advance(long ms) {
        for (long i = 0; i < ms; i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            udp.runPendingTasks();
        }
        udp.runPendingTasks();
    }
}
