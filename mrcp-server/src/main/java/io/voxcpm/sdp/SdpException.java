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

    public SdpException(int sipStatus, String message) {
        super(message, null, false, false);  // ordinary client mistakes: no stack trace worth keeping
        this.sipStatus = sipStatus;
    }

    /** The SIP final response status for the INVITE carrying this offer. */
    public int sipStatus() {
        return sipStatus;
    }
}
