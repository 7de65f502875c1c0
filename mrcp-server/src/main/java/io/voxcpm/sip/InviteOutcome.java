package io.voxcpm.sip;

/** The application's answer to an INVITE. */
public sealed interface InviteOutcome {

    /** 200 OK carrying this SDP answer. */
    record Accept(String sdpAnswer) implements InviteOutcome { }

    /**
     * A final failure response, e.g. 488 Not Acceptable Here, 404 Not Found, 480 Temporarily Unavailable.
     *
     * @param warning the value of a Warning header ({@code 399 agent "text"}, RFC 3261 §20.43), or null
     */
    record Reject(int status, String reason, String warning) implements InviteOutcome {

        public Reject(int status, String reason) {
            this(status, reason, null);
        }
    }
}
