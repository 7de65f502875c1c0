package io.voxcpm.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PBX side of a call, written independently of the server's code: plain JDK sockets, the literal
 * bytes a UniMRCP client (mod_unimrcp / app_unimrcp) sends, and a receiver that records RTP with
 * arrival times. Not a test double of the server: it is the client end of real sockets.
 */
final class UniMrcpClientSim implements AutoCloseable {

    /** One received RTP packet. */
    record RtpPacket(long arrivalNanos, boolean marker, int payloadType, int sequence, long timestamp, long ssrc,
                     byte[] payload) { }

    /** A parsed MRCP message as received. */
    record MrcpMessage(String startLine, Map<String, String> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    private final InetSocketAddress sipServer;
    private final DatagramSocket sip;
    private final DatagramSocket rtp;
    private final String callId = "sim-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String fromTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final List<RtpPacket> received = new ArrayList<>();
    private final List<String> serverByes = new ArrayList<>();
    private final Thread rtpReader;
    private volatile boolean closed;
    private String toHeader;
    private String answer;
    private Socket mrcp;
    private InputStream mrcpIn;
    private int cseq = 1000;

    UniMrcpClientSim(InetSocketAddress sipServer) throws IOException {
        this.sipServer = sipServer;
        this.sip = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.sip.setSoTimeout(5000);
        this.rtp.setSoTimeout(200);
        this.rtpReader = new Thread(this::readRtp, "sim-rtp-" + callId);
        this.rtpReader.setDaemon(true);
        this.rtpReader.start();
    }

    String callId() {
        return callId;
    }

    /** The offer mod_unimrcp sends with codecs="PCMU PCMA L16/96/8000" (mrcp-interop.md §1.4). */
    static String freeswitchOffer(int rtpPort, String audioFormats, String rtpmaps) {
        return "v=0\r\n"
                + "o=FreeSWITCH 5017763912045812355 8803331093718873661 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=application 9 TCP/MRCPv2 1\r\n"
                + "a=setup:active\r\n"
                + "a=connection:new\r\n"
                + "a=resource:speechsynth\r\n"
                + "a=cmid:1\r\n"
                + "m=audio " + rtpPort + " RTP/AVP " + audioFormats + "\r\n"
                + rtpmaps
                + "a=recvonly\r\n"
                + "a=mid:1\r\n";
    }

    int rtpPort() {
        return rtp.getLocalPort();
    }

    /** Sends the INVITE, returns the final response (status line + headers + body). */
    String invite(String sdp) throws IOException {
        return invite(sdp, "");
    }

    /** Sends the INVITE with extra header lines (each ending in CRLF), e.g. a Session-Expires. */
    String invite(String sdp, String extraHeaders) throws IOException {
        int localPort = sip.getLocalPort();
        String request = "INVITE sip:" + host() + ":" + sipServer.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + fromTag + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:" + localPort + ">;tag=" + fromTag + "\r\n"
                + "To: <sip:" + host() + ":" + sipServer.getPort() + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " INVITE\r\n"
                + "Contact: <sip:127.0.0.1:" + localPort + ">\r\n"
                + "User-Agent: FreeSWITCH\r\n"
                + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, MESSAGE, SUBSCRIBE, NOTIFY, REFER, UPDATE\r\n"
                + "Supported: timer, 100rel\r\n"
                + extraHeaders
                + "Content-Type: application/sdp\r\n"
                + "Content-Disposition: session\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n" + sdp;
        sendSip(request);
        while (true) {
            String response = receiveSip();
            int status = Integer.parseInt(response.substring(8, 11));
            if (status >= 200) {
                toHeader = headerOf(response, "To");
                if (status == 200) {
                    answer = response.substring(response.indexOf("\r\n\r\n") + 4);
                    sendSip(inDialog("ACK", cseq, ""));
                }
                return response;
            }
        }
    }

    String answer() {
        return answer;
    }

    /**
     * Sends a BYE; returns the response to it. A BYE the server sends meanwhile (it hung up first) is
     * answered 200, as a PBX does, and kept in {@link #serverByes()}.
     */
    String sendBye() throws IOException {
        cseq++;
        sendSip(inDialog("BYE", cseq, ""));
        while (true) {
            String message = receiveSip();
            if (message.startsWith("SIP/2.0 ")) {
                return message;
            }
            answer(message);
        }
    }

    /** Waits for the server's BYE (it hangs up), answers it 200 and returns it. */
    String awaitServerBye() throws IOException {
        while (true) {
            String message = receiveSip();
            if (message.startsWith("BYE ")) {
                answer(message);
                return message;
            }
        }
    }

    /** The BYEs the server sent, answered 200. */
    List<String> serverByes() {
        return serverByes;
    }

    private void answer(String request) throws IOException {
        if (request.startsWith("BYE ")) {
            serverByes.add(request);
        }
        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            ok.append(name).append(": ").append(headerOf(request, name)).append("\r\n");
        }
        sendSip(ok.append("Content-Length: 0\r\n\r\n").toString());
    }

    /** A re-INVITE in the dialog (a session refresh), ACKed when 200; returns the final response. */
    String reinvite(String sdp, String extraHeaders) throws IOException {
        cseq++;
        String request = inDialog("INVITE", cseq, sdp).replace("Content-Length:",
                extraHeaders + "Contact: <sip:127.0.0.1:" + sip.getLocalPort() + ">\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length:");
        sendSip(request);
        while (true) {
            String response = receiveSip();
            int status = Integer.parseInt(response.substring(8, 11));
            if (status >= 200) {
                if (status == 200) {
                    sendSip(inDialog("ACK", cseq, ""));
                }
                return response;
            }
        }
    }

    /** Shares the MRCP connection of another call, as a client answered {@code connection:existing} does. */
    void shareMrcpOf(UniMrcpClientSim other) {
        this.mrcp = other == null ? null : other.mrcp;
        this.mrcpIn = other == null ? null : other.mrcpIn;
    }

    /** Closes the MRCP connection with a TCP reset (SO_LINGER 0), as a crashed client's kernel does. */
    void resetMrcp() throws IOException {
        mrcp.setSoLinger(true, 0);
        mrcp.close();
    }

    /** Closes the MRCP connection in order (FIN). */
    void closeMrcp() throws IOException {
        mrcp.close();
    }

    /** Writes raw bytes on the MRCP connection. */
    void sendRaw(byte[] bytes) throws IOException {
        OutputStream out = mrcp.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Whether the server closed the MRCP connection (reads until EOF or the timeout). */
    boolean mrcpClosedWithin(Duration timeout) throws IOException {
        mrcp.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                if (mrcpIn.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The next MRCP message, or null when none comes within the timeout. */
    MrcpMessage pollMrcp(Duration timeout) throws IOException {
        try {
            return readMrcp(timeout);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private String inDialog(String method, int seq, String body) {
        int localPort = sip.getLocalPort();
        return method + " sip:" + host() + ":" + sipServer.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + method.toLowerCase(Locale.ROOT)
                + seq + fromTag + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:" + localPort + ">;tag=" + fromTag + "\r\n"
                + "To: " + toHeader + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + seq + " " + method + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private String host() {
        return sipServer.getAddress().getHostAddress();
    }

    private void sendSip(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(bytes, bytes.length, sipServer));
    }

    /**
     * The next SIP message on the signalling socket. Anything else is skipped: the ephemeral port may
     * have been an earlier session's RTP port, and that session's last packets can still be in flight.
     */
    private String receiveSip() throws IOException {
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            sip.receive(p);
            String message = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
            if (message.startsWith("SIP/2.0 ") || message.matches("(?s)^[A-Z]+ \\S+ SIP/2\\.0\r\n.*")) {
                return message;
            }
        }
    }

    static String headerOf(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
            if (line.isEmpty()) {
                break;
            }
        }
        return null;
    }

    /** The first match of a regex group in the SDP answer. */
    String answerAttribute(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(answer);
        return m.find() ? m.group(1) : null;
    }

    void connectMrcp() throws IOException {
        int port = Integer.parseInt(answerAttribute("^m=application (\\d+) TCP/MRCPv2"));
        mrcp = new Socket(sipServer.getAddress(), port);
        mrcp.setTcpNoDelay(true);
        mrcp.setSoTimeout(15000);
        mrcpIn = mrcp.getInputStream();
    }

    /** A plain MRCP connection to {@code port}, whatever the answer said (a downgrade attempt). */
    void connectMrcpPlain(int port) throws IOException {
        mrcp = new Socket(sipServer.getAddress(), port);
        mrcp.setTcpNoDelay(true);
        mrcp.setSoTimeout(15000);
        mrcpIn = mrcp.getInputStream();
    }

    /** The MRCP connection over TLS to the port of a {@code TCP/TLS/MRCPv2} answer, checking the certificate. */
    void connectMrcpTls(javax.net.ssl.SSLContext context) throws IOException {
        int port = Integer.parseInt(answerAttribute("^m=application (\\d+) TCP/TLS/MRCPv2"));
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(sipServer.getAddress(), port);
        javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        mrcp = socket;
        mrcp.setTcpNoDelay(true);
        mrcp.setSoTimeout(15000);
        mrcpIn = mrcp.getInputStream();
    }

    String channelId() {
        return answerAttribute("^a=channel:(\\S+)");
    }

    /** Writes an MRCP request with an exact, self-inclusive message-length. */
    void sendMrcp(String method, long requestId, Map<String, String> headers, String contentType, String body)
            throws IOException {
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        head.append("Channel-Identifier: ").append(channelId()).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (bodyBytes.length > 0) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        head.append("\r\n");
        String rest = " " + method + " " + requestId + "\r\n" + head;
        int restLength = rest.getBytes(StandardCharsets.UTF_8).length + bodyBytes.length + "MRCP/2.0 ".length();
        int length = restLength + 1;
        while (length != restLength + String.valueOf(length).length()) {
            length = restLength + String.valueOf(length).length();
        }
        OutputStream out = mrcp.getOutputStream();
        out.write(("MRCP/2.0 " + length + rest).getBytes(StandardCharsets.UTF_8));
        out.write(bodyBytes);
        out.flush();
    }

    /** Reads one MRCP message, framing by the blank line and Content-Length. */
    MrcpMessage readMrcp(Duration timeout) throws IOException {
        mrcp.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = mrcpIn.read();
            if (b < 0) {
                throw new IOException("MRCP connection closed by the server");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.UTF_8).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
            }
        }
        String body = "";
        String length = headers.get("Content-Length");
        if (length != null) {
            body = new String(mrcpIn.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        }
        return new MrcpMessage(lines[0], headers, body);
    }

    private void readRtp() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime();
            byte[] d = p.getData();
            int len = p.getLength();
            if (len < 12 || (d[0] & 0xC0) != 0x80) {
                continue;
            }
            boolean marker = (d[1] & 0x80) != 0;
            int pt = d[1] & 0x7F;
            int seq = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
            long ts = ((long) (d[4] & 0xFF) << 24) | ((d[5] & 0xFF) << 16) | ((d[6] & 0xFF) << 8) | (d[7] & 0xFF);
            long ssrc = ((long) (d[8] & 0xFF) << 24) | ((d[9] & 0xFF) << 16) | ((d[10] & 0xFF) << 8) | (d[11] & 0xFF);
            byte[] payload = java.util.Arrays.copyOfRange(d, 12, len);
            synchronized (received) {
                received.add(new RtpPacket(now, marker, pt, seq, ts, ssrc, payload));
            }
        }
    }

    List<RtpPacket> rtpPackets() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (mrcp != null) {
            mrcp.close();
        }
        sip.close();
        rtp.close();
    }
}
