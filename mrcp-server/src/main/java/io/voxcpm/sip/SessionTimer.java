package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.Locale;

/**
 * RFC 4028 session timer of a dialog, as the client asked for it in its INVITE or refresh. The server never
 * asks for timers itself (UniMRCP clients refresh when told, unimrcp #321, and BYE plus the MRCP
 * connection's fate already end sessions), but when a client sends {@code Session-Expires} the 2xx echoes
 * it, and a dialog that is not refreshed in time is ended.
 *
 * @param seconds   the session interval
 * @param refresher {@code uac} or {@code uas}: who sends the refreshes
 */
record SessionTimer(int seconds, String refresher) {

    /** The smallest interval accepted; RFC 4028 §4 says at least 90 s. */
    static final int MIN_SE = 90;

    /** The request's Session-Expires (or its compact form {@code x}), or null when absent or unreadable. */
    static SessionTimer of(SIPRequest request) {
        String value = headerValue(request, "Session-Expires");
        if (value == null) {
            value = headerValue(request, "x");
        }
        if (value == null) {
            return null;
        }
        String[] parts = value.split(";");
        int seconds;
        try {
            seconds = Integer.parseInt(parts[0].strip());
        } catch (NumberFormatException e) {
            return null;
        }
        String refresher = "uac";
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("refresher=")) {
                refresher = p.substring("refresher=".length()).strip().equals("uas") ? "uas" : "uac";
            }
        }
        return new SessionTimer(Math.max(1, seconds), refresher);
    }

    boolean tooSmall() {
        return seconds < MIN_SE;
    }

    String headerValue() {
        return seconds + ";refresher=" + refresher;
    }

    private static String headerValue(SIPRequest request, String name) {
        var header = request.getHeader(name);
        if (header == null) {
            return null;
        }
        String encoded = header.toString().strip();
        int colon = encoded.indexOf(':');
        return colon < 0 ? null : encoded.substring(colon + 1).strip();
    }
}
