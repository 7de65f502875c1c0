package io.voxcpm.server;

import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;
import io.voxcpm.sip.SipCall;
import java.util.concurrent.CompletionStage;

/**
 * The SIP application while the server starts: not ready (new INVITEs get 503 + Retry-After from the SIP
 * layer) until the engine has loaded and the session layer is handed in, then that session layer; not ready
 * again once draining (the dialogs in progress still reach the session layer).
 */
final class SessionGate implements SipApplication {

    private volatile SipApplication sessions;
    private volatile int drainRetryAfterS = -1;
    private final SessionObserver observer;

    SessionGate(SessionObserver observer) {
        this.observer = observer;
    }

    void open(SipApplication ready) {
        this.sessions = ready;
    }

    void drain(int retryAfterS) {
        drainRetryAfterS = retryAfterS;
    }

    boolean draining() {
        return drainRetryAfterS >= 0;
    }

    @Override
    public boolean ready() {
        return sessions != null && !draining();
    }

    @Override
    public String notReadyReason() {
        return draining() ? "the server is draining" : SipApplication.super.notReadyReason();
    }

    @Override
    public int retryAfterSeconds() {
        int drain = drainRetryAfterS;
        return drain >= 0 ? drain : SipApplication.super.retryAfterSeconds();
    }

    @Override
    public InviteOutcome onInvite(SipCall call, String sdpOffer) {
        SipApplication s = sessions;
        return s == null ? new InviteOutcome.Reject(503, "Service Unavailable") : s.onInvite(call, sdpOffer);
    }

    @Override
    public CompletionStage<InviteOutcome> onInviteAsync(SipCall call, String sdpOffer) {
        SipApplication s = sessions;
        if (s == null) {
            return SipApplication.super.onInviteAsync(call, sdpOffer);
        }
        return s.onInviteAsync(call, sdpOffer).whenComplete((outcome, error) -> {
            if (outcome != null) {
                observer.answered(outcome);
            }
        });
    }

    @Override
    public InviteOutcome onReinvite(SipCall call, String sdpOffer) {
        SipApplication s = sessions;
        return s == null ? new InviteOutcome.Reject(481, "Call/Transaction Does Not Exist") : s.onReinvite(call, sdpOffer);
    }

    @Override
    public void onTerminated(SipCall call, TerminationReason reason) {
        SipApplication s = sessions;
        if (s != null) {
            s.onTerminated(call, reason);
            observer.ended(reason);
        }
    }
}
