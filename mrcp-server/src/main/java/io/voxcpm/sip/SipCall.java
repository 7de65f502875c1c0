package io.voxcpm.sip;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The identity of one SIP dialog as the application sees it, and the one thing the application may do to it:
 * hang up.
 *
 * @param callId          the Call-ID, which is also what every log line of the call carries
 * @param remote          the address the request came from
 * @param local           the local address the request arrived on (its IP is what the SDP answer advertises
 *                        unless an external address is configured)
 * @param transport       {@code UDP} or {@code TCP}
 * @param requestUser     the user part of the Request-URI (UniMRCP's {@code server-username}), or null
 * @param userAgent       the User-Agent header, or null
 * @param hangup          what ends this call's dialog from the server's side (the SIP layer that made the call)
 */
public record SipCall(String callId, InetSocketAddress remote, InetSocketAddress local, String transport,
                      String requestUser, String userAgent, Hangup hangup) {

    public SipCall {
        Objects.requireNonNull(hangup, "hangup");
    }

    /** A call no SIP layer serves (tests of the session layer): hanging up does nothing. */
    public SipCall(String callId, InetSocketAddress remote, InetSocketAddress local, String transport,
                   String requestUser, String userAgent) {
        this(callId, remote, local, transport, requestUser, userAgent, Hangup.NONE);
    }

    /**
     * Ends the dialog from the server's side: a BYE carrying {@code reason} goes to the peer and the dialog is
     * dropped at once, so a BYE from the client after this gets 481. {@code onTerminated} is not called (the
     * application decided this itself). From any thread; nothing happens when the dialog is already over.
     */
    public void hangUp(String reason) {
        hangup.hangUp(callId, reason);
    }

    /** The SIP layer's side of {@link #hangUp}. */
    @FunctionalInterface
    public interface Hangup {
        Hangup NONE = (callId, reason) -> { };

        void hangUp(String callId, String reason);
    }
}
