package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialog layer (RFC 3261 §12): dialogs by Call-ID and tags, the RFC 4028 session timer of each, and the
 * one place that tells the application a dialog has ended. Confined to the SIP event loop.
 */
final class Dialogs {

    private static final Logger log = LoggerFactory.getLogger(UserAgentServer.class);

    private final SipApplication app;
    private final EventLoop loop;
    private final int max;
    private final Duration ackTimeout;
    private final Duration timerH;
    private final Map<String, Dialog> byKey = new HashMap<>();

    /**
     * @param max        dialogs open at once; a new INVITE beyond that gets 503
     * @param ackTimeout how long a new dialog's 2xx over UDP waits for its ACK before the dialog ends
     *                   ({@code ACK_TIMEOUT}); at most Timer H, after which it ends anyway
     */
    Dialogs(SipApplication app, EventLoop loop, int max, Duration ackTimeout, Duration timerH) {
        this.app = app;
        this.loop = loop;
        this.max = max;
        this.ackTimeout = ackTimeout;
        this.timerH = timerH;
    }

    int count() {
        return byKey.size();
    }

    boolean full() {
        return byKey.size() >= max;
    }

    Dialog find(String callId, String localTag, String remoteTag) {
        return byKey.get(Dialog.key(callId, localTag, remoteTag));
    }

    /** The dialog an INVITE's 2xx creates; it waits for the ACK of {@code invite}. */
    Dialog open(ServerTransaction invite) {
        Dialog dialog = new Dialog(Dialog.key(invite.call.callId(), invite.toTag, invite.fromTag), invite);
        byKey.put(dialog.key, dialog);
        dialog.awaitingAck = invite;
        if (!invite.route.reliable() && ackTimeout.compareTo(timerH) < 0) {
            // a spoofed UDP INVITE is never acknowledged: its session must not hold an RTP port for all of Timer H
            dialog.ackDeadline = loop.schedule(() -> {
                dialog.ackDeadline = null;
                unacked(invite, ackTimeout.toMillis());
            }, ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        return dialog;
    }

    /** Removes the dialog a request names; null when there is none. */
    Dialog close(String callId, String localTag, String remoteTag) {
        Dialog dialog = byKey.remove(Dialog.key(callId, localTag, remoteTag));
        if (dialog != null) {
            dialog.cancelTimers();
        }
        return dialog;
    }

    /**
     * (Re)starts the dialog's session timer from a request that carries one: without a refresh within the
     * interval the dialog ends ({@code SESSION_EXPIRED}). A request without Session-Expires stops it.
     */
    SessionTimer armSessionTimer(Dialog dialog, SIPRequest request) {
        SessionTimer timer = SessionTimer.of(request);
        if (dialog.sessionExpiry != null) {
            dialog.sessionExpiry.cancel(false);
            dialog.sessionExpiry = null;
        }
        if (timer != null) {
            dialog.sessionExpiry = loop.schedule(() -> {
                dialog.sessionExpiry = null;
                if (byKey.remove(dialog.key, dialog)) {
                    log.warn("[{}] session timer of {} s expired without a refresh: call ended", dialog.call.callId(),
                            timer.seconds());
                    ended(dialog.call, SipApplication.TerminationReason.SESSION_EXPIRED);
                }
            }, timer.seconds(), TimeUnit.SECONDS);
        }
        return timer;
    }

    /** Timer H fired on {@code invite}'s 2xx: an initial INVITE's dialog ends, a re-INVITE's goes on. */
    void unacked(ServerTransaction invite, long timerHMillis) {
        Dialog dialog = byKey.get(Dialog.key(invite.call.callId(), invite.toTag, invite.fromTag));
        if (dialog == null || dialog.awaitingAck != invite) {
            return;
        }
        if (invite.initialInvite) {
            byKey.remove(dialog.key);
            dialog.cancelTimers();
            invite.acked(); // stop repeating the 2xx to a peer that is not there
            log.warn("[{}] no ACK for the 200 OK within {} ms: call dropped", invite.call.callId(), timerHMillis);
            ended(dialog.call, SipApplication.TerminationReason.ACK_TIMEOUT);
        } else {
            dialog.awaitingAck = null;
            log.warn("[{}] no ACK for the re-INVITE's 200 OK", invite.call.callId());
        }
    }

    /**
     * Removes the dialogs of a call the application has ended by itself; the application is not told.
     * Returns them, so their transactions can be let go.
     */
    List<Dialog> forget(String callId) {
        List<Dialog> gone = byKey.values().stream().filter(d -> d.call.callId().equals(callId)).toList();
        for (Dialog dialog : gone) {
            byKey.remove(dialog.key);
            dialog.cancelTimers();
        }
        return gone;
    }

    /** Ends every dialog (shutdown). */
    void closeAll(SipApplication.TerminationReason reason) {
        List<Dialog> open = new ArrayList<>(byKey.values());
        byKey.clear();
        open.forEach(Dialog::cancelTimers);
        open.forEach(d -> ended(d.call, reason));
    }

    /** Tells the application a call is over; its failure never reaches the SIP layer. */
    void ended(SipCall call, SipApplication.TerminationReason reason) {
        try {
            app.onTerminated(call, reason);
        } catch (RuntimeException e) {
            log.warn("[{}] application failed on termination ({}): {}", call.callId(), reason, e.toString());
        }
    }
}
