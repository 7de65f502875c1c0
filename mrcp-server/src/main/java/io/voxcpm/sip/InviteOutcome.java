package io.voxcpm.sip;

/** The application's answer to an INVITE. */
public sealed interface InviteOutcome {

    /** 200 OK carrying this SDP answer. */
    record Accept(String sdpAnswer) implements InviteOutcome { }

    /** A final failure response, e.g. 488 Not Acceptable Here, 404 Not Found, 480 Temporarily Unavailable. */
    record Reject(int status, String reason) implements InviteOutcome { }
}
