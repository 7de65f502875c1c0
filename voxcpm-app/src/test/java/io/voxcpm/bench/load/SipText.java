package io.voxcpm.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The SIP and SDP text a UniMRCP client (mod_unimrcp, app_unimrcp, umc) puts on the wire, and reading it back. */
final class SipText {

    private SipText() {
    }

    /** An audio format the load client offers: one payload type, its rtpmap and its RTP clock rate. */
    enum Codec {
        PCMU(0, "PCMU/8000", 8000),
        PCMA(8, "PCMA/8000", 8000),
        L16_8000(96, "L16/8000", 8000),
        L16_16000(96, "L16/16000", 16000);

        final int payloadType;
        final String rtpmap;
        final int clockRate;

        Codec(int payloadType, String rtpmap, int clockRate) {
            this.payloadType = payloadType;
            this.rtpmap = rtpmap;
            this.clockRate = clockRate;
        }

        /** PCMU, PCMA, L16 (= L16/8000), L16/8000 or L16/16000, any case. */
        static Codec parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            return switch (n) {
                case "PCMU" -> PCMU;
                case "PCMA" -> PCMA;
                case "L16", "L16/8000" -> L16_8000;
                case "L16/16000" -> L16_16000;
                default -> throw new IllegalArgumentException("unknown codec '" + name
                        + "' (PCMU, PCMA, L16/8000 or L16/16000)");
            };
        }

        @Override
        public String toString() {
            return this == PCMU || this == PCMA ? name() : rtpmap;
        }
    }

    /** The SDP offer of mod_unimrcp for a synthesizer channel (research/mrcp-interop.md §1.4), one codec. */
    static String offer(int rtpPort, Codec codec, boolean newConnection, int ptimeMs) {
        return "v=0\r\n"
                + "o=FreeSWITCH 5017763912045812355 8803331093718873661 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=application 9 TCP/MRCPv2 1\r\n"
                + "a=setup:active\r\n"
                + "a=connection:" + (newConnection ? "new" : "existing") + "\r\n"
                + "a=resource:speechsynth\r\n"
                + "a=cmid:1\r\n"
                + "m=audio " + rtpPort + " RTP/AVP " + codec.payloadType + "\r\n"
                + "a=rtpmap:" + codec.payloadType + " " + codec.rtpmap + "\r\n"
                + "a=recvonly\r\n"
                + "a=ptime:" + ptimeMs + "\r\n"
                + "a=mid:1\r\n";
    }

    static String invite(String requestUri, int localPort, String branch, String tag, String callId, String sdp) {
        return "INVITE " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:" + localPort + ">;tag=" + tag + "\r\n"
                + "To: <" + requestUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:127.0.0.1:" + localPort + ">\r\n"
                + "User-Agent: FreeSWITCH\r\n"
                + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, MESSAGE, SUBSCRIBE, NOTIFY, REFER, UPDATE\r\n"
                + "Supported: timer, 100rel\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Disposition: session\r\n"
                + "Content-Length: " + sdp.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n" + sdp;
    }

    /** ACK or BYE in a dialog; {@code to} is the To header value with the server's tag. */
    static String inDialog(String method, String requestUri, int localPort, String branch, String tag, String to,
                           String callId, int cseq) {
        return method + " " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";rport;branch=z9hG4bK" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:127.0.0.1:" + localPort + ">;tag=" + tag + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** 200 OK to a request the server sent (a BYE or OPTIONS): its Via, From, To, Call-ID and CSeq echoed. */
    static String okTo(String request) {
        StringBuilder b = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : head(request).split("\r\n")) {
            String name = line.contains(":") ? line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
            if (name.equals("via") || name.equals("v") || name.equals("from") || name.equals("f")
                    || name.equals("to") || name.equals("t") || name.equals("call-id") || name.equals("i")
                    || name.equals("cseq")) {
                b.append(line).append("\r\n");
            }
        }
        return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    static String head(String message) {
        int end = message.indexOf("\r\n\r\n");
        return end < 0 ? message : message.substring(0, end);
    }

    static String body(String message) {
        int end = message.indexOf("\r\n\r\n");
        return end < 0 ? "" : message.substring(end + 4);
    }

    /** The first header of that name (or its compact form), case-insensitive, trimmed; null when absent. */
    static String header(String message, String name, String compact) {
        for (String line : head(message).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String n = line.substring(0, colon).trim();
                if (n.equalsIgnoreCase(name) || compact != null && n.equalsIgnoreCase(compact)) {
                    return line.substring(colon + 1).trim();
                }
            }
        }
        return null;
    }

    /** The status code of a response, or -1 for a request. */
    static int status(String message) {
        if (!message.startsWith("SIP/2.0 ") || message.length() < 11) {
            return -1;
        }
        try {
            return Integer.parseInt(message.substring(8, 11));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The method a CSeq header names ("1 INVITE" gives INVITE). */
    static String cseqMethod(String message) {
        String cseq = header(message, "CSeq", null);
        if (cseq == null) {
            return "";
        }
        String[] parts = cseq.trim().split("\\s+");
        return parts.length < 2 ? "" : parts[1].toUpperCase(Locale.ROOT);
    }

    /** The URI in a Contact header value, e.g. {@code sip:127.0.0.1:8060;transport=udp}; null when absent. */
    static String contactUri(String message) {
        String contact = header(message, "Contact", "m");
        if (contact == null) {
            return null;
        }
        int lt = contact.indexOf('<');
        int gt = contact.indexOf('>');
        return lt >= 0 && gt > lt ? contact.substring(lt + 1, gt) : contact.split(";")[0].trim();
    }

    /** What an SDP answer says about the control channel and the audio. */
    record Answer(String address, int mrcpPort, String channelId, boolean newConnection, int audioPort) { }

    static Answer answer(String sdp) {
        String address = "127.0.0.1";
        int mrcpPort = -1;
        int audioPort = -1;
        String channel = null;
        boolean isNew = true;
        String media = "";
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                String[] f = line.substring(2).split("\\s+");
                media = f[0];
                int port = f.length > 1 ? parsePort(f[1]) : -1;
                if (media.equals("application")) {
                    mrcpPort = port;
                } else if (media.equals("audio")) {
                    audioPort = port;
                }
            } else if (line.startsWith("c=IN IP4 ") && !media.equals("audio")) {
                address = line.substring(9).trim();
            } else if (line.startsWith("a=channel:")) {
                channel = line.substring(10).trim();
            } else if (line.startsWith("a=connection:")) {
                isNew = !line.substring(13).trim().equalsIgnoreCase("existing");
            }
        }
        return new Answer(address, mrcpPort, channel, isNew, audioPort);
    }

    /** The m=audio port of an SDP (the client's RTP port in an offer); -1 when none. */
    static int audioPort(String sdp) {
        return answer(sdp).audioPort();
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s.split("/")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
