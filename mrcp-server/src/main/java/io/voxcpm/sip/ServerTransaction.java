package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * A server transaction (RFC 3261 §17.2), confined to the SIP event loop. It remembers the last response so
 * that a retransmitted request is answered again instead of reaching the application twice. Its state
 * changes only through the transition methods here; the timers that drive them live in {@link Transactions}.
 */
final class ServerTransaction {

    enum State { PROCEEDING, COMPLETED, ACKED }

    final String key;
    /**
     * The request, until its final response: nothing after that reads it, and a finished transaction lingers
     * for 64*T1 (thousands of them at a PBX's call rate), so it keeps only its key, route and encoded response.
     */
    SIPRequest request;
    final boolean invite;
    final String fromTag;
    final Route route;
    final String toTag;
    final SipCall call;
    final boolean initialInvite;
    private State state = State.PROCEEDING;
    private byte[] lastResponse;
    private int finalStatus;
    private boolean cancelled;
    /**
     * A rejection sent before any state existed (no 100 Trying): not repeated on Timer G, because the
     * sender's own INVITE retransmissions fetch it again, and a spoofed source must not earn eleven responses.
     */
    private boolean answerOnce;
    /** Run once when the INVITE no longer waits for anything from its peer ({@link #settle}); null when run. */
    private Runnable onSettled;
    /** Told when this transaction no longer waits for anything from its peer and only absorbs retransmissions. */
    private final Consumer<ServerTransaction> finished;
    /** Set by {@link Transactions}: counted as lingering ({@link Lingering}) rather than in progress. */
    boolean lingering;
    ScheduledFuture<?> retransmit;
    ScheduledFuture<?> expiry;

    ServerTransaction(String key, SIPRequest request, Route route, String toTag, SipCall call, boolean initialInvite,
                      Consumer<ServerTransaction> finished) {
        this.key = key;
        this.finished = finished;
        this.request = request;
        this.invite = SIPRequest.INVITE.equals(request.getMethod());
        this.fromTag = request.getFromTag();
        this.route = route;
        this.toTag = toTag;
        this.call = call;
        this.initialInvite = initialInvite;
    }

    void answerOnce() {
        answerOnce = true;
    }

    boolean answersOnce() {
        return answerOnce;
    }

    boolean isInvite() {
        return invite;
    }

    /** The source IP the quotas count this transaction against. */
    InetAddress source() {
        return route.target().getAddress();
    }

    State state() {
        return state;
    }

    int finalStatus() {
        return finalStatus;
    }

    /** Still waiting for its final response, and not cancelled: the application's answer is wanted. */
    boolean awaitsAnswer() {
        return state == State.PROCEEDING && !cancelled;
    }

    /** A provisional response (100 Trying): sent, and repeated to a retransmitted request. */
    void provisional(byte[] encoded) {
        lastResponse = encoded;
        route.send(encoded);
    }

    /** PROCEEDING → COMPLETED with this final response. */
    void complete(byte[] encoded, int status) {
        lastResponse = encoded;
        finalStatus = status;
        state = State.COMPLETED;
        request = null;
        route.send(encoded);
        if (status >= 300) {
            settle();  // no session: nothing left to confirm
        }
    }

    /** {@code action} runs once, when this transaction is acknowledged, fails, or leaves the table. */
    void onSettled(Runnable action) {
        onSettled = action;
    }

    /** The peer has confirmed (or can no longer confirm) this transaction's outcome. */
    void settle() {
        Runnable action = onSettled;
        onSettled = null;
        if (action != null) {
            action.run();
        }
    }

    /** A retransmitted request is answered with what was last sent, never passed on. */
    void answerRetransmission() {
        if (lastResponse != null) {
            route.send(lastResponse);
        }
    }

    /** The final response is sent again (over UDP until the ACK); false when the transaction moved on. */
    boolean resendFinal() {
        if (state != State.COMPLETED) {
            return false;
        }
        route.send(lastResponse);
        return true;
    }

    /** COMPLETED → ACKED: the ACK (or a BYE standing for it) arrived, so the 2xx is no longer repeated. */
    void acked() {
        state = State.ACKED;
        request = null;
        settle();
        if (retransmit != null) {
            retransmit.cancel(false);
            retransmit = null;
        }
        finished.accept(this);
    }

    /** A CANCEL ends an INVITE still proceeding; true when it did. */
    boolean cancel() {
        if (state != State.PROCEEDING || !initialInvite || cancelled) {
            return false;
        }
        cancelled = true;
        return true;
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
