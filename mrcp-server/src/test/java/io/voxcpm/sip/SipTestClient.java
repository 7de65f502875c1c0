package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A bare SIP peer on loopback for the UAS tests: sends text, parses what comes back with jain-sip. */
final class SipTestClient implements AutoCloseable {

    static final String OFFER = String.join("\r\n",
            "v=0",
            "o=FreeSWITCH 5017763912045812355 8803331093718873661 IN IP4 127.0.0.1",
            "s=-",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            "m=application 9 TCP/MRCPv2 1",
            "a=setup:active",
            "a=connection:new",
            "a=resource:speechsynth",
            "a=cmid:1",
            "m=audio 4002 RTP/AVP 0 8 96",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:96 L16/8000",
            "a=recvonly",
            "a=mid:1", "");

    private final DatagramSocket udp;
    private final Socket tcp;
    private final int serverPort;
    private final byte[] pending = new byte[65536];
    private int pendingLength;

    private SipTestClient(int serverPort, boolean useTcp) throws IOException {
        this.serverPort = serverPort;
        if (useTcp) {
            tcp = new Socket(InetAddress.getLoopbackAddress(), serverPort);
            udp = null;
        } else {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            tcp = null;
        }
    }

    private SipTestClient(int serverPort, DatagramSocket udp) {
        this.serverPort = serverPort;
        this.udp = udp;
        this.tcp = null;
    }

    static SipTestClient udp(int serverPort) throws IOException {
        return new SipTestClient(serverPort, false);
    }

    /** UDP from another loopback address ({@code 127.0.0.2}...), standing for another source host. */
    static SipTestClient udp(int serverPort, String fromIp) throws IOException {
        return new SipTestClient(serverPort, new DatagramSocket(new InetSocketAddress(InetAddress.getByName(fromIp), 0)));
    }

    static SipTestClient tcp(int serverPort) throws IOException {
        return new SipTestClient(serverPort, true);
    }

    private SipTestClient(int serverPort, Socket stream) {
        this.serverPort = serverPort;
        this.tcp = stream;
        this.udp = null;
    }

    /** SIP over TLS, checking that the server's certificate names 127.0.0.1. */
    static SipTestClient tls(int serverPort, SSLContext context) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                serverPort);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return new SipTestClient(serverPort, socket);
    }

    int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    String transport() {
        return udp != null ? "UDP" : tcp instanceof SSLSocket ? "TLS" : "TCP";
    }

    /** A Via whose sent-by is this client, so responses come back here even without rport. */
    String via(String branch) {
        return "Via: SIP/2.0/" + transport() + " 127.0.0.1:" + localPort() + ";rport;branch=" + branch;
    }

    String request(String method, String requestUri, Dialog d, int cseq, String branch, String extraHeaders,
                   String contentType, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return method + " " + requestUri + " SIP/2.0\r\n"
                + via(branch) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:" + localPort() + ">;tag=" + d.fromTag + "\r\n"
                + "To: <" + requestUri + ">" + (d.toTag == null ? "" : ";tag=" + d.toTag) + "\r\n"
                + "Call-ID: " + d.callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:127.0.0.1:" + localPort() + ">\r\n"
                + "User-Agent: FreeSWITCH\r\n"
                + (extraHeaders == null ? "" : extraHeaders)
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + content.length + "\r\n\r\n"
                + (body == null ? "" : body);
    }

    String invite(Dialog d, String user, String branch) {
        return request("INVITE", uri(user), d, 1, branch, null, "application/sdp", OFFER);
    }

    String uri(String user) {
        return "sip:" + (user == null ? "" : user + "@") + "127.0.0.1:" + serverPort;
    }

    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
        } else {
            tcp.getOutputStream().write(bytes);
            tcp.getOutputStream().flush();
        }
    }

    void sendBytes(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
        } else {
            tcp.getOutputStream().write(bytes);
            tcp.getOutputStream().flush();
        }
    }

    /** The next response, or null when none arrives within the timeout (or the TCP peer closed). */
    SIPResponse receive(int timeoutMillis) throws Exception {
        byte[] raw = receiveRaw(timeoutMillis);
        if (raw == null) {
            return null;
        }
        SIPMessage message = new StringMsgParser().parseSIPMessage(raw, true, false, null);
        return (SIPResponse) message;
    }

    /** The next message, a request or a response; null when none arrives within the timeout. */
    SIPMessage receiveMessage(int timeoutMillis) throws Exception {
        byte[] raw = receiveRaw(timeoutMillis);
        return raw == null ? null : new StringMsgParser().parseSIPMessage(raw, true, false, null);
    }

    /** The next response that is not 100 Trying. */
    SIPResponse receiveFinal(int timeoutMillis) throws Exception {
        for (SIPResponse r; (r = receive(timeoutMillis)) != null; ) {
            if (r.getStatusCode() >= 200) {
                return r;
            }
        }
        return null;
    }

    /**
     * The final response to {@code method}, passing over finals to other requests: a 200 to an INVITE is sent
     * again every T1 until the ACK is read, and on a loaded machine the ACK sent just before {@code method} can
     * be read after one of those retransmissions.
     */
    SIPResponse receiveFinal(int timeoutMillis, String method) throws Exception {
        for (SIPResponse r; (r = receiveFinal(timeoutMillis)) != null; ) {
            if (r.getCSeq().getMethod().equals(method)) {
                return r;
            }
        }
        return null;
    }

    private byte[] receiveRaw(int timeoutMillis) throws IOException {
        if (udp != null) {
            udp.setSoTimeout(timeoutMillis);
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            try {
                udp.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            byte[] out = new byte[packet.getLength()];
            System.arraycopy(packet.getData(), 0, out, 0, out.length);
            return out;
        }
        tcp.setSoTimeout(timeoutMillis);
        InputStream in = tcp.getInputStream();
        while (true) {
            byte[] message = frame();
            if (message != null) {
                return message;
            }
            int n;
            try {
                n = in.read(pending, pendingLength, pending.length - pendingLength);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                return null;
            }
            if (n < 0) {
                return null;
            }
            pendingLength += n;
        }
    }

    private byte[] frame() {
        int end = HeaderBlock.end(pending, 0, pendingLength);
        if (end < 0) {
            return null;
        }
        long length = Math.max(0, HeaderBlock.contentLength(new String(pending, 0, end, StandardCharsets.UTF_8)));
        if (pendingLength < end + length) {
            return null;
        }
        int total = end + (int) length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pending, 0, total);
        System.arraycopy(pending, total, pending, 0, pendingLength - total);
        pendingLength -= total;
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
    }

    /** The client's view of one dialog. */
    static final class Dialog {
        final String callId = UUID.randomUUID().toString();
        final String fromTag = Long.toHexString(System.nanoTime());
        String toTag;

        Dialog withToTagFrom(SIPResponse response) {
            toTag = response.getToTag();
            return this;
        }
    }

    static String branch() {
        return "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
    }
}
