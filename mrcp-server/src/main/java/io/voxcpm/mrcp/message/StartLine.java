package io.voxcpm.mrcp.message;

/**
 * A parsed start line. Which fields are meaningful depends on the kind: a request has a method name, a
 * response a status code and state, an event a name and state.
 */
record StartLine(Kind kind, String version, long messageLength, String name, long requestId, int statusCode,
                 RequestState state) {

    enum Kind { REQUEST, RESPONSE, EVENT }

    /**
     * Reads {@code MRCP/x.y <length> ...}. Returns null when the line does not have one of the three
     * shapes; the version is returned as written and checked by the caller so that a request in another
     * version can still be answered by its request-id.
     */
    static StartLine parse(String line) {
        String[] t = new String[5];
        int count = tokens(line.strip(), t);
        if (count < 4 || !isVersion(t[0]) || !isLength(t[1])) {
            return null;
        }
        long length = Long.parseLong(t[1]);
        if (count == 4) {
            long id = requestId(t[3]);
            return MessageTokens.isName(t[2]) && id >= 0
                    ? new StartLine(Kind.REQUEST, t[0], length, t[2], id, 0, null) : null;
        }
        RequestState state = RequestState.fromWireName(t[4]);
        if (state == null) {
            return null;
        }
        if (MessageTokens.isDigits(t[2])) {
            long id = requestId(t[2]);
            boolean status = t[3].length() == 3 && MessageTokens.isDigits(t[3]) && t[3].charAt(0) != '0';
            return id >= 0 && status
                    ? new StartLine(Kind.RESPONSE, t[0], length, null, id, Integer.parseInt(t[3]), state) : null;
        }
        long id = requestId(t[3]);
        return MessageTokens.isName(t[2]) && id >= 0
                ? new StartLine(Kind.EVENT, t[0], length, t[2], id, 0, state) : null;
    }

    /**
     * Splits a stripped line at runs of blanks (SP, HTAB) into {@code out}; returns the token count, or 0
     * when there are more than {@code out} holds. By hand rather than with a regex: every message's start
     * line passes here on the MRCP event loop.
     */
    private static int tokens(String line, String[] out) {
        int count = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            int start = i;
            while (i < n && !isBlank(line.charAt(i))) {
                i++;
            }
            if (count == out.length) {
                return 0;
            }
            out[count++] = line.substring(start, i);
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
        }
        return count;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    boolean isRequest() {
        return kind == Kind.REQUEST;
    }

    private static boolean isVersion(String token) {
        if (!token.startsWith("MRCP/")) {
            return false;
        }
        int dot = token.indexOf('.', 5);
        return dot > 5 && MessageTokens.isDigits(token, 5, dot)
                && MessageTokens.isDigits(token, dot + 1, token.length());
    }

    private static boolean isLength(String token) {
        return token.length() <= 19 && MessageTokens.isDigits(token) && (token.length() < 19
                || token.compareTo(String.valueOf(Long.MAX_VALUE)) <= 0);
    }

    /** The request-id, or -1 when the token is not 1 to 10 digits within the 32-bit range. */
    private static long requestId(String token) {
        if (token.length() > 10 || !MessageTokens.isDigits(token)) {
            return -1;
        }
        long id = Long.parseLong(token);
        return id <= MrcpMessage.MAX_REQUEST_ID ? id : -1;
    }
}
