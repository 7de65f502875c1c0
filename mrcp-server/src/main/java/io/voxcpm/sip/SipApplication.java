package io.voxcpm.sip;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the SIP layer asks of the rest of the server. Called on a SIP event loop: must not block.
 */
public interface SipApplication {

    /** A new dialog's INVITE carrying an SDP offer (already checked to be application/sdp). */
    InviteOutcome onInvite(SipCall call, String sdpOffer);

    /**
     * What the SIP layer actually calls for a new dialog's INVITE. Override it when the answer waits on
     * something (a worker's capacity, a port allocation on another loop); it may complete on any thread.
     * Until it completes a CANCEL can still end the call: the INVITE then gets 487, {@link #onTerminated}
     * is called with {@code CANCEL}, and the outcome that comes later is ignored (release what it holds).
     */
    default CompletionStage<InviteOutcome> onInviteAsync(SipCall call, String sdpOffer) {
        return CompletableFuture.completedFuture(onInvite(call, sdpOffer));
    }

    /**
     * Whether new dialogs can be served yet. Until then a new INVITE gets 503 with Retry-After and never
     * reaches {@link #onInviteAsync}: the server listens first and loads its engine after.
     */
    default boolean ready() {
        return true;
    }

    /** Why {@link #ready()} is false, for the log line of the 503. */
    default String notReadyReason() {
        return "the speech engine is still loading";
    }

    /** The Retry-After of the 503 answered while {@link #ready()} is false. */
    default int retryAfterSeconds() {
        return 1;
    }

    /** A re-INVITE inside an existing dialog (session refresh, media change). */
    InviteOutcome onReinvite(SipCall call, String sdpOffer);

    /**
     * The dialog is over: BYE, CANCEL before the answer, no ACK ever came (Timer H), or the client asked for a
     * session timer and stopped refreshing it.
     */
    void onTerminated(SipCall call, TerminationReason reason);

    /**
     * The SDP body of the 200 answer to OPTIONS (RFC 3261 §11.2): the media this server could set up, with
     * {@code localAddress} as its address; null for no body.
     */
    default String capabilities(String localAddress) {
        return null;
    }

    enum TerminationReason { BYE, CANCEL, ACK_TIMEOUT, SESSION_EXPIRED, SHUTDOWN }
}
