package io.voxcpm.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A lenient, line-oriented SDP reader. Written here rather than taken from {@code javax.sdp} (jain-sip-ri)
 * because that API is mutable and strict where MRCP clients are sloppy (an {@code m=application} line without
 * a fmt token, LF-only lines, stray attributes), and MRCP needs only a handful of line types.
 */
final class SdpParser {

    /** Compiled once: String.split compiles a pattern of more than one character on every call. */
    static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SdpParser() { }

    /**
     * Parses an SDP body. Accepts CRLF or LF line ends, blank lines and unknown line types.
     *
     * @throws SdpException 400 when there is no {@code v=} line, an {@code m=} line is malformed, or a
     *                      {@code c=} line is unreadable
     */
    public static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null) {
            throw new SdpException(SdpException.BAD_REQUEST, "no SDP body");
        }
        boolean sawVersion = false;
        Optional<String> sessionConnection = Optional.empty();
        List<MediaDescription> media = new ArrayList<>();
        MediaBuilder current = null;
        for (int start = 0, end; start < sdp.length(); start = next(sdp, end)) {
            end = lineEnd(sdp, start);
            String line = sdp.substring(start, end).strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                if (!line.isEmpty()) {
                    throw new SdpException(SdpException.BAD_REQUEST, "not an SDP line: " + abbreviate(line));
                }
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2).strip();
            switch (type) {
                case 'v' -> sawVersion = true;
                case 'm' -> {
                    if (current != null) {
                        media.add(current.build());
                    }
                    current = MediaBuilder.of(value);
                }
                case 'c' -> {
                    String address = connectionAddress(value);
                    if (current == null) {
                        sessionConnection = Optional.of(address);
                    } else {
                        current.connection = Optional.of(address);
                    }
                }
                case 'a' -> {
                    if (current != null) {
                        int colon = value.indexOf(':');
                        current.attributes.add(colon < 0
                                ? new MediaDescription.Attribute(value, "")
                                : new MediaDescription.Attribute(value.substring(0, colon).strip(),
                                        value.substring(colon + 1).strip()));
                    }
                }
                default -> { /* o=, s=, t=, b=, session-level a= ... carry nothing MRCP needs */ }
            }
        }
        if (current != null) {
            media.add(current.build());
        }
        if (!sawVersion) {
            throw new SdpException(SdpException.BAD_REQUEST, "no v= line: not SDP");
        }
        return new SessionDescription(sessionConnection, media);
    }

    /** Where the line from {@code start} ends: at its CR, LF or CRLF, or the end of the body. */
    private static int lineEnd(String sdp, int start) {
        int end = start;
        while (end < sdp.length() && sdp.charAt(end) != '\r' && sdp.charAt(end) != '\n') {
            end++;
        }
        return end;
    }

    /** The start of the line after the one ending at {@code end}: a CRLF is one line end, not two. */
    private static int next(String sdp, int end) {
        return end + 1 < sdp.length() && sdp.charAt(end) == '\r' && sdp.charAt(end + 1) == '\n' ? end + 2 : end + 1;
    }

    /** {@code IN IP4 10.0.0.1} or {@code IN IP6 ::1}, optionally with a multicast /ttl suffix. */
    private static String connectionAddress(String value) throws SdpException {
        String[] parts = WHITESPACE.split(value);
        if (parts.length < 3 || !parts[0].equalsIgnoreCase("IN")) {
            throw new SdpException(SdpException.BAD_REQUEST, "bad c= line: " + abbreviate(value));
        }
        int slash = parts[2].indexOf('/');
        return slash < 0 ? parts[2] : parts[2].substring(0, slash);
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static final class MediaBuilder {
        final String type;
        final int port;
        final String proto;
        final List<String> formats;
        Optional<String> connection = Optional.empty();
        final List<MediaDescription.Attribute> attributes = new ArrayList<>();

        private MediaBuilder(String type, int port, String proto, List<String> formats) {
            this.type = type;
            this.port = port;
            this.proto = proto;
            this.formats = formats;
        }

        static MediaBuilder of(String value) throws SdpException {
            String[] parts = WHITESPACE.split(value);
            if (parts.length < 3) {
                throw new SdpException(SdpException.BAD_REQUEST, "bad m= line: " + abbreviate(value));
            }
            String portToken = parts[1];
            int slash = portToken.indexOf('/');  // "<port>/<number of ports>"
            int port;
            try {
                port = Integer.parseInt(slash < 0 ? portToken : portToken.substring(0, slash));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new SdpException(SdpException.BAD_REQUEST, "bad port in m= line: " + abbreviate(value));
            }
            return new MediaBuilder(parts[0], port, parts[2], List.of(parts).subList(3, parts.length));
        }

        MediaDescription build() {
            return new MediaDescription(type, port, proto, formats, connection, attributes);
        }
    }
}
