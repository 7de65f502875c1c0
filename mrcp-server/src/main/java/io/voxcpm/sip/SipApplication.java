package io.voxcpm.sip;

/**
 * What the SIP layer asks of the rest of the server. Called on a SIP event loop: must not block.
 */
public interface SipApplication {

    /** A new dialog's INVITE carrying an SDP offer (already checked to be application/sdp). */
    InviteOutcome onInvite(SipCall call, String sdpOffer);

    /** A re-INVITE inside an existing dialog (session refresh, media change). */
    InviteOutcome onReinvite(SipCall call, String sdpOffer);

    /** The dialog is over: BYE, CANCEL before the answer, or no ACK ever came (Timer H). */
    void onTerminated(SipCall call, TerminationReason reason);

    enum TerminationReason { BYE, CANCEL, ACK_TIMEOUT, SHUTDOWN }
}
