package io.voxcpm.sdp;

/**
 * An SDP offer the server cannot answer. Carries the SIP status that the INVITE should be rejected with,
 * following UniMRCP's mapping: malformed SDP 400, no such resource 404, nothing acceptable 488.
 */
public final class SdpException extends Exception {

    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;
    public static final int NOT_ACCEPTABLE_HERE = 488;

    private final int sipStatus;
    private final int warnCode;

    public SdpException(int sipStatus, String message) {
        this(sipStatus, 0, message);
    }

    /** @param warnCode an RFC 3261 §20.43 warn-code (3xx) for a Warning header, or 0 for none */
    public SdpException(int sipStatus, int warnCode, String message) {
        super(message, null, false, false);  // ordinary client mistakes: no stack trace worth keeping
        this.sipStatus = sipStatus;
        this.warnCode = warnCode;
    }

    /** The warn-code for the response's Warning header, or 0 for none. */
    public int warnCode() {
        return warnCode;
    }

    /** The SIP final response status for the INVITE carrying this offer. */
    public int sipStatus() {
        return sipStatus;
    }
}
