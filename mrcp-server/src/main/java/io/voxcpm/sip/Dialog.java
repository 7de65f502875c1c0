package io.voxcpm.sip;

/** A confirmed (or 2xx-sent) dialog. Confined to the SIP event loop. */
final class Dialog {

    final String key;
    final SipCall call;
    /** The INVITE or re-INVITE whose 2xx still waits for its ACK, if any. */
    ServerTransaction awaitingAck;
    /** Ends the dialog when the client stops refreshing its session timer; null without timer. */
    io.netty.util.concurrent.ScheduledFuture<?> sessionExpiry;

    void cancelSessionExpiry() {
        if (sessionExpiry != null) {
            sessionExpiry.cancel(false);
            sessionExpiry = null;
        }
    }

    Dialog(String key, SipCall call) {
        this.key = key;
        this.call = call;
    }

    static String key(String callId, String localTag, String remoteTag) {
        return callId + '\n' + localTag + '\n' + (remoteTag == null ? "" : remoteTag);
    }
}
