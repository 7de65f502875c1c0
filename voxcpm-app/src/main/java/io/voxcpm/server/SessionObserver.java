package io.voxcpm.server;

import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;

/** Told how each INVITE that reached the session layer was answered, and how each session ended. */
public interface SessionObserver {

    SessionObserver NONE = new SessionObserver() { };

    default void answered(InviteOutcome outcome) {
    }

    default void ended(SipApplication.TerminationReason reason) {
    }
}
