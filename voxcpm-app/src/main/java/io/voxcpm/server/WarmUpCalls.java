package io.voxcpm.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The start-up warm-up's caller: one call at a time as mod_unimrcp places it (INVITE with its SDP offer, ACK,
 * an MRCP connection, a prompt every call says played to SPEAK-COMPLETE, a text of this call's own STOPped,
 * BYE), over UDP and TCP on loopback to the warm-up's own servers: the paths of a cached prompt and of a fresh
 * synthesis. Blocking sockets with timeouts: it runs on a thread of its own, and a call that goes wrong ends the
 * warm-up.
 */
final class WarmUpCalls implements AutoCloseable {

    private static final int TIMEOUT_MS = 5000;
    private static final String SPEAK_HEADERS = "Content-Type: text/plain\r\nVoice-Language: en-US\r\n";
    private final InetAddress host;
    private final int sipPort;
    private final DatagramSocket sip;
    /** Where the sessions' RTP goes: never read, the kernel drops what does not fit. */
    private final DatagramSocket rtpSink;
    private final byte[] receiveBuffer = new byte[8192];

    WarmUpCalls(InetAddress host, int sipPort) throws IOException {
        this.host = host;
        this.sipPort = sipPort;
        this.sip = new DatagramSocket(new InetSocketAddress(host, 0));
        this.rtpSink = new DatagramSocket(new InetSocketAddress(host, 0));
        sip.setSoTimeout(TIMEOUT_MS);
    }

    /** One whole call; throws when the server did not answer as a real one would. */
    void call(int n) throws IOException {
        String callId = "warmup-" + n + "-" + System.nanoTime();
        String tag = "wt" + n;
        String uri = "sip:synth@" + host.getHostAddress() + ":" + sipPort;
        int local = sip.getLocalPort();
        String offer = "v=0\r\no=warmup 1 1 IN IP4 " + host.getHostAddress() + "\r\ns=-\r\nc=IN IP4 "
                + host.getHostAddress() + "\r\nt=0 0\r\nm=application 9 TCP/MRCPv2 1\r\na=setup:active\r\n"
                + "a=connection:new\r\na=resource:speechsynth\r\na=cmid:1\r\nm=audio " + rtpSink.getLocalPort()
                + " RTP/AVP 0 8 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 L16/8000\r\n"
                + "a=recvonly\r\na=ptime:20\r\na=mid:1\r\n";
        String branch = "z9hG4bKwu" + n;
        send(request("INVITE", uri, local, branch, tag, "<" + uri + ">", callId, 1,
                "Contact: <sip:" + host.getHostAddress() + ":" + local + ">\r\nContent-Type: application/sdp\r\n", offer));
        String ok = receiveFinal("INVITE", callId);
        String to = header(ok, "To");
        String answer = ok.substring(ok.indexOf("\r\n\r\n") + 4);
        send(request("ACK", uri, local, branch + "a", tag, to, callId, 1, "", ""));
        int mrcpPort = Integer.parseInt(between(answer, "m=application ", " "));
        String channel = between(answer, "a=channel:", "\r\n");
        try (Socket mrcp = new Socket()) {
            mrcp.setSoTimeout(TIMEOUT_MS);
            mrcp.setTcpNoDelay(true);
            mrcp.connect(new InetSocketAddress(host, mrcpPort), TIMEOUT_MS);
            OutputStream out = mrcp.getOutputStream();
            InputStream in = mrcp.getInputStream();
            out.write(mrcp("SPEAK", 1, channel, SPEAK_HEADERS, "Thank you for calling. Please hold."));
            expect(in, " 1 200 ");
            expect(in, "SPEAK-COMPLETE 1 COMPLETE");
            out.write(mrcp("SPEAK", 2, channel, SPEAK_HEADERS, "Your reference is " + n + "."));
            expect(in, " 2 200 ");
            out.write(mrcp("STOP", 3, channel, "", ""));
            expect(in, " 3 200 ");
        }
        send(request("BYE", uri, local, branch + "b", tag, to, callId, 2, "", ""));
        receiveFinal("BYE", callId);
    }

    private static String request(String method, String uri, int localPort, String branch, String tag, String to,
                                  String callId, int cseq, String extra, String body) {
        return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=" + branch
                + "\r\nMax-Forwards: 70\r\nFrom: <sip:warmup@127.0.0.1:" + localPort + ">;tag=" + tag + "\r\nTo: " + to
                + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + method + "\r\n" + extra
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        sip.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(host, sipPort)));
    }

    /** The final response to {@code method} of this call; provisional ones and late ones of earlier calls are skipped. */
    private String receiveFinal(String method, String callId) throws IOException {
        while (true) {
            DatagramPacket packet = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            sip.receive(packet);
            String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (!message.startsWith("SIP/2.0 ") || !header(message, "CSeq").endsWith(" " + method)
                    || !header(message, "Call-ID").equals(callId)) {
                continue;
            }
            int status = Integer.parseInt(message.substring(8, 11));
            if (status >= 200) {
                if (status >= 300) {
                    throw new IOException(method + " answered " + message.substring(8, message.indexOf("\r\n")));
                }
                return message;
            }
        }
    }

    private static String header(String message, String name) throws IOException {
        for (String line : message.substring(0, message.indexOf("\r\n\r\n")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IOException("no " + name + " header");
    }

    private static String between(String text, String start, String end) throws IOException {
        int from = text.indexOf(start);
        int to = from < 0 ? -1 : text.indexOf(end, from + start.length());
        if (to < 0) {
            throw new IOException("the answer has no " + start.trim());
        }
        return text.substring(from + start.length(), to).trim();
    }

    private static byte[] mrcp(String method, int id, String channel, String headers, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String rest = " " + method + " " + id + "\r\nChannel-Identifier: " + channel + "\r\n" + headers
                + (content.length > 0 ? "Content-Length: " + content.length + "\r\n" : "") + "\r\n" + body;
        int fixed = "MRCP/2.0 ".length() + rest.getBytes(StandardCharsets.UTF_8).length;
        int length = fixed + String.valueOf(fixed).length();
        if (String.valueOf(length).length() != String.valueOf(fixed).length()) {
            length++;
        }
        return ("MRCP/2.0 " + length + rest).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads whole MRCP messages until one contains {@code marker} (e.g. " 1 200 ": request 1 answered 200). */
    private static void expect(InputStream in, String marker) throws IOException {
        while (true) {
            String message = readMessage(in);
            String start = message.substring(0, message.indexOf("\r\n"));
            if (start.contains(marker)) {
                return;
            }
            if (start.matches("MRCP/2\\.0 \\d+ \\d+ [4-5]\\d\\d .*")) {
                throw new IOException("MRCP answered " + start);
            }
        }
    }

    private static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int spaces = 0;
        int b;
        StringBuilder length = new StringBuilder();
        while ((b = in.read()) >= 0) { // "MRCP/2.0 <length> ": the length counts every byte of the message
            head.write(b);
            if (b == ' ') {
                if (++spaces == 2) {
                    break;
                }
            } else if (spaces == 1) {
                length.append((char) b);
            }
        }
        if (b < 0) {
            throw new IOException("MRCP connection closed");
        }
        int total = Integer.parseInt(length.toString());
        byte[] rest = in.readNBytes(total - head.size());
        head.write(rest);
        return head.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        sip.close();
        rtpSink.close();
    }
}
