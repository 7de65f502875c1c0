package io.voxcpm.sip;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Lexical helpers over a raw SIP header block: where it ends, and the values of a few headers by name. This is
 * framing, not parsing: the message itself is parsed by jain-sip, which silently keeps one of several
 * Content-Length or To headers, so duplicates of single-valued headers are counted here.
 */
final class HeaderBlock {

    /** Single-valued headers (RFC 3261 §7.3.1 exceptions are all multi-valued), long and compact forms. */
    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("call-id", "call-id"), Map.entry("i", "call-id"),
            Map.entry("from", "from"), Map.entry("f", "from"),
            Map.entry("to", "to"), Map.entry("t", "to"),
            Map.entry("cseq", "cseq"),
            Map.entry("content-length", "content-length"), Map.entry("l", "content-length"),
            Map.entry("content-type", "content-type"), Map.entry("c", "content-type"),
            Map.entry("max-forwards", "max-forwards"));

    private HeaderBlock() { }

    /**
     * The index just past the empty line ending the headers (CRLFCRLF or LF LF), searching from {@code from},
     * or -1 when it has not arrived yet.
     */
    static int end(byte[] bytes, int from, int limit) {
        for (int i = Math.max(from, 1); i < limit; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (bytes[i - 1] == '\n') {
                return i + 1;
            }
            if (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Content-Length from a header block.
     *
     * @return the length, -1 when absent
     * @throws IllegalArgumentException when it is negative, not a number, too big, or given twice differently
     */
    static long contentLength(String headers) {
        long length = -1;
        for (int start = 0, end; start < headers.length(); start = end + 1) {
            end = lineEnd(headers, start);
            String name = headerName(headers, start, end);
            if (name == null || !name.equals("content-length") && !name.equals("l")) {
                continue;
            }
            String value = headers.substring(headers.indexOf(':', start) + 1, end).strip();
            long parsed;
            if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad Content-Length: " + value);
            }
            parsed = Long.parseLong(value);
            if (length >= 0 && parsed != length) {
                throw new IllegalArgumentException("conflicting Content-Length values");
            }
            length = parsed;
        }
        return length;
    }

    /** The first single-valued header that appears more than once, or null. */
    static String duplicatedSingleHeader(String headers) {
        Map<String, Integer> seen = new HashMap<>();
        int startLineEnd = headers.indexOf('\n');
        for (int start = startLineEnd < 0 ? headers.length() : startLineEnd + 1, end; start < headers.length();
                start = end + 1) {
            end = lineEnd(headers, start);
            String name = headerName(headers, start, end);
            String canonical = name == null ? null : SINGLE.get(name);
            if (canonical != null && seen.merge(canonical, 1, Integer::sum) > 1) {
                return canonical;
            }
        }
        return null;
    }

    /**
     * Where the line starting at {@code start} ends: its LF, or the end of the text. Lines are walked by index
     * rather than split with a regular expression, which costs a pattern match per character on every request.
     */
    private static int lineEnd(String text, int start) {
        int lf = text.indexOf('\n', start);
        return lf < 0 ? text.length() : lf;
    }

    /**
     * The lower-cased name of the header on the line {@code [start, end)} (a CR before the LF is part of no
     * name), or null for a line without one: no colon, a colon first, or a continuation line.
     */
    private static String headerName(String text, int start, int end) {
        int colon = text.indexOf(':', start);
        if (colon <= start || colon >= end || Character.isWhitespace(text.charAt(start))) {
            return null;
        }
        return text.substring(start, colon).strip().toLowerCase(Locale.ROOT);
    }
}
