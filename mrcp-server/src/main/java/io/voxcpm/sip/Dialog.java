package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;

/** A confirmed (or 2xx-sent) dialog. Confined to the SIP event loop. */
final class Dialog {

    final String key;
    final SipCall call;
    /** The INVITE that made the dialog: what a BYE from our side takes its From, To and route set from. */
    final SIPRequest invite;
    final String localTag;
    /** Where the dialog's requests came from, and where a BYE from our side goes. */
    final Route route;
    /** The INVITE or re-INVITE whose 2xx still waits for its ACK, if any. */
    ServerTransaction awaitingAck;
    /** Ends the dialog when the client stops refreshing its session timer; null without timer. */
    io.netty.util.concurrent.ScheduledFuture<?> sessionExpiry;
    /** Ends an initial INVITE's dialog whose 2xx gets no ACK, sooner than Timer H; null once acknowledged. */
    io.netty.util.concurrent.ScheduledFuture<?> ackDeadline;

    Dialog(String key, ServerTransaction invite) {
        this.key = key;
        this.call = invite.call;
        this.invite = invite.request;
        this.localTag = invite.toTag;
        this.route = invite.route;
    }

    void cancelTimers() {
        if (sessionExpiry != null) {
            sessionExpiry.cancel(false);
            sessionExpiry = null;
        }
        if (ackDeadline != null) {
            ackDeadline.cancel(false);
            ackDeadline = null;
        }
    }

    /** The ACK (or a BYE standing for it) arrived for the transaction this dialog waited on. */
    void acked() {
        if (awaitingAck != null) {
            awaitingAck.acked();
            awaitingAck = null;
        }
        if (ackDeadline != null) {
            ackDeadline.cancel(false);
            ackDeadline = null;
        }
    }

    static String key(String callId, String localTag, String remoteTag) {
        return callId + '\n' + localTag + '\n' + (remoteTag == null ? "" : remoteTag);
    }
}
