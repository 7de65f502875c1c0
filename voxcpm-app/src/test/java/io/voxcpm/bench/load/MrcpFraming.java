package io.voxcpm.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts MRCPv2 messages out of a TCP byte stream by their message-length field (RFC 6787 §5) and reads
 * just what the load tool needs: the start-line tokens and the Channel-Identifier.
 */
final class MrcpFraming {

    /** One message: e.g. {@code MRCP/2.0 83 1 200 IN-PROGRESS} split on spaces, and its channel. */
    interface Sink {
        void message(String[] startLine, String channelId, int endOffset);
    }

    /** Thrown when the stream is not MRCPv2 (or framing was lost). */
    static final class FramingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FramingException(String message) {
            super(message);
        }
    }

    private static final byte[] VERSION = "MRCP/2.0 ".getBytes(StandardCharsets.US_ASCII);

    private MrcpFraming() {
    }

    /**
     * Hands on every complete message in {@code buf[from, to)}; returns the offset after the last one.
     * {@code endOffset} is the offset just past each message, so a caller can tell which segment
     * completed it.
     */
    static int parse(byte[] buf, int from, int to, Sink sink) {
        int at = from;
        while (to - at >= VERSION.length + 2) {
            for (int i = 0; i < VERSION.length; i++) {
                if (buf[at + i] != VERSION[i]) {
                    throw new FramingException("not an MRCPv2 message at stream offset " + at);
                }
            }
            int p = at + VERSION.length;
            long length = 0;
            while (p < to && buf[p] >= '0' && buf[p] <= '9') {
                length = length * 10 + buf[p] - '0';
                if (length > 1 << 24) {
                    throw new FramingException("message length over 16 MiB");
                }
                p++;
            }
            if (p == to) {
                return at; // the length field itself is still incomplete
            }
            if (buf[p] != ' ' || length < VERSION.length + 2) {
                throw new FramingException("bad message-length field at stream offset " + at);
            }
            if (to - at < length) {
                return at;
            }
            int end = at + (int) length;
            int lineEnd = indexOf(buf, at, end, (byte) '\r');
            String startLine = new String(buf, at, (lineEnd < 0 ? end : lineEnd) - at, StandardCharsets.US_ASCII);
            sink.message(startLine.split(" "), channelId(buf, lineEnd < 0 ? end : lineEnd, end), end);
            at = end;
        }
        return at;
    }

    /** The client's form: a read buffer in write mode, compacted after the complete messages. */
    static void drain(ByteBuffer in, Sink sink) {
        in.flip();
        int consumed = parse(in.array(), in.arrayOffset() + in.position(), in.arrayOffset() + in.limit(), sink);
        in.position(consumed - in.arrayOffset());
        in.compact();
        if (!in.hasRemaining()) {
            throw new FramingException("an MRCP message larger than the read buffer");
        }
    }

    private static String channelId(byte[] buf, int from, int to) {
        String head = new String(buf, from, to - from, StandardCharsets.US_ASCII);
        int bodyStart = head.indexOf("\r\n\r\n");
        if (bodyStart >= 0) {
            head = head.substring(0, bodyStart);
        }
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Channel-Identifier")) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
