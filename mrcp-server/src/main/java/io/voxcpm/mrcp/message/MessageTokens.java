package io.voxcpm.mrcp.message;

/** Checks shared by the message records and the parser. */
final class MessageTokens {

    private MessageTokens() {
    }

    /**
     * Method and event names are tokens. A name made of digits alone would read back as the
     * request-id of a response, so it is refused.
     */
    static void checkName(String name, String what) {
        if (!isName(name)) {
            throw new IllegalArgumentException("invalid " + what + ": " + name);
        }
    }

    static boolean isName(String name) {
        if (name == null || name.isEmpty() || isDigits(name)) {
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

    static boolean isDigits(CharSequence s) {
        return isDigits(s, 0, s.length());
    }

    /** Whether {@code s[from, to)} is one or more ASCII digits (no substring made to ask). */
    static boolean isDigits(CharSequence s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
