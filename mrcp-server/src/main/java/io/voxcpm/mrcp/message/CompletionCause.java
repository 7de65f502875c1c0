package io.voxcpm.mrcp.message;

/** Synthesizer Completion-Cause values (RFC 6787 §8.4.11), written {@code NNN name}. */
public enum CompletionCause {
    NORMAL(0, "normal"),
    BARGE_IN(1, "barge-in"),
    PARSE_FAILURE(2, "parse-failure"),
    URI_FAILURE(3, "uri-failure"),
    ERROR(4, "error"),
    LANGUAGE_UNSUPPORTED(5, "language-unsupported"),
    LEXICON_LOAD_FAILURE(6, "lexicon-load-failure"),
    CANCELLED(7, "cancelled");

    private final int code;
    private final String cause;

    CompletionCause(int code, String cause) {
        this.code = code;
        this.cause = cause;
    }

    public int code() {
        return code;
    }

    public String causeName() {
        return cause;
    }

    /** The header value, e.g. {@code 000 normal}. */
    public String headerValue() {
        return String.format("%03d %s", code, cause);
    }

    /**
     * Reads a header value by its leading number, as UniMRCP does, so that a differently spelt or
     * missing name still parses. Returns null when there is no known number.
     */
    public static CompletionCause parse(String headerValue) {
        if (headerValue == null) {
            return null;
        }
        String s = headerValue.strip();
        int end = 0;
        while (end < s.length() && end < 3 && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
            end++;
        }
        if (end == 0) {
            return null;
        }
        int code = Integer.parseInt(s.substring(0, end));
        for (CompletionCause cause : values()) {
            if (cause.code == code) {
                return cause;
            }
        }
        return null;
    }
}
