package io.voxcpm.text;

/**
 * Client-supplied strings made safe to write into a log line or a header: control characters (CR and LF
 * included, so nobody can forge a log line), DEL, C1 controls, the Unicode line and paragraph separators
 * and bidirectional overrides are written as {@code \\uXXXX}, and the result is capped in length.
 */
public final class LogSafe {

    /** Enough for a Call-ID, a voice name or an address; longer client input is cut. */
    public static final int MAX_CHARS = 200;

    private LogSafe() { }

    /** {@code value} with unsafe characters escaped and cut to {@link #MAX_CHARS}; "null" for null. */
    public static String clean(CharSequence value) {
        if (value == null) {
            return "null";
        }
        int length = value.length();
        int i = 0;
        while (i < length && i < MAX_CHARS && !unsafe(value.charAt(i))) {
            i++;
        }
        if (i == length) {
            return value.toString();  // the common case: nothing to change, nothing allocated
        }
        StringBuilder out = new StringBuilder(Math.min(length, MAX_CHARS) + 16).append(value, 0, i);
        for (; i < length && i < MAX_CHARS; i++) {
            char c = value.charAt(i);
            if (unsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (length > MAX_CHARS) {
            out.append("...(").append(length).append(" chars)");
        }
        return out.toString();
    }

    /** {@link #clean} and fit for a quoted-string (a SIP Warning text): no quote or backslash left. */
    public static String quotable(CharSequence value) {
        return clean(value).replace('"', '\'').replace('\\', '/');
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
