package io.voxcpm.mrcp.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one framed head (start line, header lines, blank line) the way UniMRCP reads them: lines end
 * with LF or CRLF, {@code Name:value} with or without blanks after the colon, empty values allowed,
 * names compared without case. It reports every problem as a {@link MrcpDecodeError} carrying as much
 * as could be read, because the request-id and Content-Length decide whether the peer can be answered
 * and whether the stream can go on.
 */
final class HeadParser {

    /** The outcome: {@code error} is null for a good head; {@code contentLength} is -1 when unknown. */
    record Head(StartLine start, MrcpHeaders headers, long contentLength, MrcpDecodeError error) { }

    private final int maxLineBytes;
    private final int maxHeaders;

    HeadParser(int maxLineBytes, int maxHeaders) {
        this.maxLineBytes = maxLineBytes;
        this.maxHeaders = maxHeaders;
    }

    /** {@code head} holds the start line through the blank line that ends the header block. */
    Head parse(byte[] head) {
        int startEnd = lineFeed(head, 0);
        StartLine start = parseStartLine(head, contentEnd(head, 0, startEnd));
        long requestId = start != null && start.isRequest() ? start.requestId() : MrcpDecodeError.NO_REQUEST_ID;

        int status = 0;
        String problem = null;
        if (start == null) {
            status = MrcpStatus.UNRECOGNIZED_MESSAGE;
            problem = "unreadable start line";
        } else if (!MrcpMessage.VERSION.equals(start.version())) {
            status = MrcpStatus.PROTOCOL_VERSION_NOT_SUPPORTED;
            problem = "unsupported version " + start.version();
        }

        // Every line is read even after a problem, so that a Content-Length further down still frames the body.
        List<MrcpHeader> fields = new ArrayList<>();
        CharsetDecoder utf8 = null; // made for the first line that is not plain ASCII, which few messages have
        for (int from = startEnd + 1, lf; (lf = lineFeed(head, from)) < head.length; from = lf + 1) {
            int end = contentEnd(head, from, lf);
            if (end == from) {
                break; // the blank line
            }
            int lineStatus = 0;
            String lineProblem = null;
            if (end - from > maxLineBytes) {
                lineStatus = MrcpStatus.MESSAGE_TOO_LARGE;
                lineProblem = "header line longer than " + maxLineBytes + " bytes";
            } else if (isPlainAscii(head, from, end) && !isBlank(head[from])) {
                // nearly every line: cut from the bytes, with no String for the whole line or its blanks
                MrcpHeader field = asciiField(head, from, end);
                if (field == null) {
                    lineStatus = MrcpStatus.UNRECOGNIZED_MESSAGE;
                    lineProblem = "malformed header line";
                } else {
                    fields.add(field);
                }
            } else {
                String text = null;
                if (isAscii(head, from, end)) {
                    text = new String(head, from, end - from, StandardCharsets.ISO_8859_1); // ASCII: no decoder needed
                } else {
                    try {
                        if (utf8 == null) {
                            utf8 = StandardCharsets.UTF_8.newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT);
                        }
                        text = utf8.decode(ByteBuffer.wrap(head, from, end - from)).toString();
                    } catch (CharacterCodingException e) {
                        lineStatus = MrcpStatus.UNRECOGNIZED_MESSAGE;
                        lineProblem = "header line is not UTF-8";
                    }
                }
                if (text != null && text.indexOf('\r') >= 0) {
                    text = null;
                    lineStatus = MrcpStatus.UNRECOGNIZED_MESSAGE;
                    lineProblem = "bare CR in header line";
                }
                if (text != null && isBlank(text.charAt(0))) {
                    // obsolete line folding (RFC 6787 field-value grammar): joins the previous value
                    if (fields.isEmpty()) {
                        lineStatus = MrcpStatus.UNRECOGNIZED_MESSAGE;
                        lineProblem = "continuation line without a header";
                    } else {
                        MrcpHeader last = fields.remove(fields.size() - 1);
                        String more = text.strip();
                        String joined = last.value().isEmpty() || more.isEmpty() ? last.value() + more
                                : last.value() + " " + more;
                        fields.add(new MrcpHeader(last.name(), joined));
                    }
                } else if (text != null) {
                    int colon = text.indexOf(':');
                    String name = colon > 0 ? text.substring(0, colon).strip() : "";
                    if (!isToken(name)) {
                        lineStatus = MrcpStatus.UNRECOGNIZED_MESSAGE;
                        lineProblem = "malformed header line";
                    } else {
                        fields.add(new MrcpHeader(name, text.substring(colon + 1).strip()));
                    }
                }
            }
            if (problem == null && lineProblem != null) {
                status = lineStatus;
                problem = lineProblem;
            }
        }
        if (problem == null && fields.size() > maxHeaders) {
            status = MrcpStatus.MESSAGE_TOO_LARGE;
            problem = "more than " + maxHeaders + " header fields";
        }

        List<MrcpHeader> headers = new ArrayList<>(fields.size());
        long contentLength = -1;
        String channelId = null;
        for (MrcpHeader field : fields) {
            if (field.name().equalsIgnoreCase(MrcpHeaderNames.CONTENT_LENGTH)) {
                long value = parseLength(field.value());
                if (value < 0 || (contentLength >= 0 && value != contentLength)) {
                    // without a trustworthy body length the next message cannot be found
                    return new Head(start, null, -1, new MrcpDecodeError(MrcpStatus.ILLEGAL_HEADER_VALUE,
                            "invalid Content-Length", requestId, channelIdOf(fields), false));
                }
                contentLength = value;
            } else {
                headers.add(field);
                if (channelId == null && field.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER)) {
                    channelId = field.value();
                }
            }
        }
        contentLength = Math.max(contentLength, 0);
        // Only a request is refused for it, as only a request can be answered (406); a reader of
        // responses and events sees channelId() == null and decides for itself.
        if (problem == null && start.isRequest() && (channelId == null || channelId.isEmpty())) {
            status = MrcpStatus.MANDATORY_HEADER_MISSING;
            problem = "no Channel-Identifier";
        }
        if (problem != null) {
            // the block was framed and Content-Length is known, so exactly this message can be skipped
            return new Head(start, null, contentLength,
                    new MrcpDecodeError(status, problem, requestId, channelIdOf(fields), true));
        }
        return new Head(start, MrcpHeaders.adopt(headers), contentLength, null);
    }

    /**
     * Reads just the start line of a head that could not be framed, to learn whom to answer.
     * Returns null when it is not a request line.
     */
    static StartLine parseRequestLine(byte[] bytes, int length) {
        StartLine start = StartLine.parse(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
        return start != null && start.isRequest() ? start : null;
    }

    private static StartLine parseStartLine(byte[] head, int end) {
        // start-line tokens are ASCII; Latin-1 keeps any stray byte one char so nothing throws
        return StartLine.parse(new String(head, 0, end, StandardCharsets.ISO_8859_1));
    }

    /** The index of the LF at or after {@code from}, or {@code head.length} when there is none. */
    private static int lineFeed(byte[] head, int from) {
        for (int i = from; i < head.length; i++) {
            if (head[i] == '\n') {
                return i;
            }
        }
        return head.length;
    }

    /** Where the content of the line {@code [from, lf)} ends: before its CR, if it has one. */
    private static int contentEnd(byte[] head, int from, int lf) {
        return lf > from && head[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** ASCII without CR: what {@link #asciiField} reads exactly as the String path would. */
    private static boolean isPlainAscii(byte[] head, int from, int end) {
        for (int i = from; i < end; i++) {
            if (head[i] < 0 || head[i] == '\r') {
                return false;
            }
        }
        return true;
    }

    /** A folded line starts with one of these. */
    private static boolean isBlank(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * {@code Name:value} of a plain ASCII line that does not start with a blank, both stripped as
     * {@link String#strip()} does; null when the name is not a token.
     */
    private static MrcpHeader asciiField(byte[] head, int from, int end) {
        int colon = from;
        while (colon < end && head[colon] != ':') {
            colon++;
        }
        int nameEnd = colon;
        while (nameEnd > from && Character.isWhitespace(head[nameEnd - 1])) {
            nameEnd--;
        }
        // the line starts with no blank, but strip() also drops other leading controls (VT, FF, FS..US)
        int nameFrom = from;
        while (nameFrom < nameEnd && Character.isWhitespace(head[nameFrom])) {
            nameFrom++;
        }
        if (colon == end || nameFrom == nameEnd) {
            return null;
        }
        for (int i = nameFrom; i < nameEnd; i++) {
            if (head[i] <= ' ' || head[i] >= 0x7f) {
                return null;
            }
        }
        int valueFrom = colon + 1;
        int valueEnd = end;
        while (valueFrom < valueEnd && Character.isWhitespace(head[valueFrom])) {
            valueFrom++;
        }
        while (valueEnd > valueFrom && Character.isWhitespace(head[valueEnd - 1])) {
            valueEnd--;
        }
        return new MrcpHeader(MrcpHeaderNames.known(head, nameFrom, nameEnd),
                new String(head, valueFrom, valueEnd - valueFrom, StandardCharsets.ISO_8859_1));
    }

    private static boolean isAscii(byte[] head, int from, int end) {
        for (int i = from; i < end; i++) {
            if (head[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static String channelIdOf(List<MrcpHeader> fields) {
        for (MrcpHeader field : fields) {
            if (field.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER) && !field.value().isEmpty()) {
                return field.value();
            }
        }
        return null;
    }

    private static long parseLength(String value) {
        if (value.length() > 18 || !MessageTokens.isDigits(value)) {
            return -1;
        }
        return Long.parseLong(value);
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
