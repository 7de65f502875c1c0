package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * A server transaction (RFC 3261 §17.2), confined to the SIP event loop. It remembers the last response so
 * that a retransmitted request is answered again instead of reaching the application twice.
 */
final class ServerTransaction {

    enum State { PROCEEDING, COMPLETED, ACKED }

    final String key;
    final SIPRequest request;
    final Route route;
    final String toTag;
    final SipCall call;
    final boolean initialInvite;
    State state = State.PROCEEDING;
    byte[] lastResponse;
    int finalStatus;
    boolean cancelled;
    /**
     * A rejection sent before any state existed (no 100 Trying): not repeated on Timer G, because the
     * sender's own INVITE retransmissions fetch it again, and a spoofed source must not earn eleven responses.
     */
    boolean answerOnce;
    ScheduledFuture<?> retransmit;
    ScheduledFuture<?> expiry;

    ServerTransaction(String key, SIPRequest request, Route route, String toTag, SipCall call, boolean initialInvite) {
        this.key = key;
        this.request = request;
        this.route = route;
        this.toTag = toTag;
        this.call = call;
        this.initialInvite = initialInvite;
    }

    boolean isInvite() {
        return SIPRequest.INVITE.equals(request.getMethod());
    }

    void cancelTimers() {
        if (retransmit != null) {
            retransmit.cancel(false);
            retransmit = null;
        }
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }
}
