package io.voxcpm.sip;

import static io.voxcpm.sip.SipMessages.addHeader;
import static io.voxcpm.sip.SipMessages.body;
import static io.voxcpm.sip.SipMessages.callId;
import static io.voxcpm.sip.SipMessages.encode;
import static io.voxcpm.sip.SipMessages.requestUser;
import static io.voxcpm.sip.SipMessages.response;
import static io.voxcpm.sip.SipMessages.setSdp;
import static io.voxcpm.sip.SipMessages.userAgent;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.channel.EventLoop;
import io.voxcpm.net.SourceRateLimiter;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVITE and re-INVITE (RFC 3261 §13, RFC 4028): screens the offer, asks the application, and answers with
 * a dialog-creating 2xx or a final failure. Runs on the SIP event loop; the application's asynchronous
 * answer to a new INVITE is brought back onto it.
 */
final class InviteHandler {

    private static final Logger log = LoggerFactory.getLogger(UserAgentServer.class);

    private final SipApplication app;
    private final EventLoop loop;
    private final LocalAddresses localAddresses;
    private final Transactions transactions;
    private final Dialogs dialogs;
    private final Supplier<String> newTag;
    private final SipCall.Hangup hangup;
    private final SourceRateLimiter inviteRate;
    private final Predicate<Route> mayReject;
    private final AwaitingAck awaitingAck;

    /**
     * @param hangup     what every call's {@link SipCall#hangUp} does
     * @param inviteRate new INVITEs per source; past it 503 with Retry-After
     * @param mayReject  whether a rejection decided before any state existed may be sent to this source now
     * @param awaitingAck new UDP sessions not yet confirmed by an ACK; past its caps 503 with Retry-After
     */
    InviteHandler(SipApplication app, EventLoop loop, LocalAddresses localAddresses, Transactions transactions,
                  Dialogs dialogs, Supplier<String> newTag, SipCall.Hangup hangup, SourceRateLimiter inviteRate,
                  Predicate<Route> mayReject, AwaitingAck awaitingAck) {
        this.app = app;
        this.loop = loop;
        this.localAddresses = localAddresses;
        this.transactions = transactions;
        this.dialogs = dialogs;
        this.newTag = newTag;
        this.hangup = hangup;
        this.inviteRate = inviteRate;
        this.mayReject = mayReject;
        this.awaitingAck = awaitingAck;
    }

    void onInvite(SIPRequest request, Route route, Inbound in, String key) {
        String callId = callId(request);
        String toTag = request.getToTag();
        if (toTag != null) {
            onReinvite(request, route, key, toTag);
            return;
        }
        String problem = RequestScreening.offerProblem(request);
        boolean overRate = problem == null && !inviteRate.tryAcquire(route.target().getAddress());
        String unconfirmed = route.reliable() ? null : awaitingAck.refusal(route.target().getAddress());
        if ((problem != null || overRate || !app.ready() || dialogs.full() || unconfirmed != null
                || RequestScreening.tooShortSessionTimer(request) != null) && !mayReject.test(route)) {
            return; // a rejection, and this source has had its share of them: silence, not amplification
        }
        if (overRate) {
            ServerTransaction tx = transactions.open(key, request, route, newTag.get(), null, false);
            SIPResponse busy = response(request, 503, "Service Unavailable", tx.toTag);
            addHeader(busy, "Retry-After", Integer.toString(inviteRate.secondsUntilNext(route.target().getAddress())));
            log.warn("[{}] INVITE refused 503: {} sends new INVITEs faster than the per-source rate limit",
                    callId, route.target().getAddress().getHostAddress());
            transactions.sendOnce(tx, busy);
            return;
        }
        if (problem != null) {
            ServerTransaction tx = transactions.open(key, request, route, newTag.get(), null, false);
            tx.answerOnce();
            sendOfferProblem(tx, problem);
            return;
        }
        SessionTimer tooShort = RequestScreening.tooShortSessionTimer(request);
        if (tooShort != null) {
            transactions.sendOnce(transactions.open(key, request, route, newTag.get(), null, false),
                    tooSmall(request, tooShort));
            return;
        }
        if (!app.ready()) {
            ServerTransaction tx = transactions.open(key, request, route, newTag.get(), null, false);
            SIPResponse starting = response(request, 503, "Service Unavailable", tx.toTag);
            addHeader(starting, "Retry-After", Integer.toString(app.retryAfterSeconds()));
            log.info("[{}] INVITE refused 503: {}", callId, app.notReadyReason());
            transactions.sendOnce(tx, starting);
            return;
        }
        if (dialogs.full()) {
            log.warn("[{}] INVITE refused: {} dialogs open", callId, dialogs.count());
            ServerTransaction tx = transactions.open(key, request, route, newTag.get(), null, false);
            SIPResponse full = response(request, 503, "Service Unavailable", tx.toTag);
            addHeader(full, "Retry-After", "5");
            transactions.sendOnce(tx, full);
            return;
        }
        if (unconfirmed != null) {
            // spoofed UDP INVITEs are never acknowledged: each would hold a session and an RTP port until the
            // ack timeout, so only so many may wait at once, and callers who complete the handshake still get in
            log.warn("[{}] INVITE refused 503: {}", callId, unconfirmed);
            ServerTransaction tx = transactions.open(key, request, route, newTag.get(), null, false);
            SIPResponse busy = response(request, 503, "Service Unavailable", tx.toTag);
            addHeader(busy, "Retry-After", "1");
            addHeader(busy, "Warning", "399 voxcpm-mrcp \"" + unconfirmed + "\"");
            transactions.sendOnce(tx, busy);
            return;
        }
        SipCall call = new SipCall(callId, in.sender(), localAddresses.localFor(in), route.transport(),
                requestUser(request), userAgent(request), hangup);
        ServerTransaction tx = transactions.open(key, request, route, newTag.get(), call, true);
        if (!route.reliable()) {
            awaitingAck.hold(tx);
        }
        SIPResponse trying = request.createResponse(100, "Trying");
        addHeader(trying, "Server", SipMessages.SERVER_NAME);
        tx.provisional(encode(trying, route));
        log.debug("[{}] INVITE from {} over {} to user {}", callId, in.sender(), route.transport(), call.requestUser());
        CompletionStage<InviteOutcome> outcome;
        try {
            outcome = app.onInviteAsync(call, body(request));
        } catch (RuntimeException e) {
            answer(tx, null, e);
            return;
        }
        outcome.whenComplete((result, error) -> {
            if (loop.inEventLoop()) {
                answer(tx, result, error);
            } else {
                loop.execute(() -> answer(tx, result, error));
            }
        });
    }

    private void answer(ServerTransaction tx, InviteOutcome outcome, Throwable error) {
        String callId = tx.call.callId();
        if (!tx.awaitsAnswer()) {
            log.info("[{}] answer to a cancelled INVITE ignored", callId);
            return;
        }
        try {
            if (error != null || outcome == null) {
                log.warn("[{}] application failed the INVITE: {}", callId, error == null ? "no outcome" : error.toString());
                transactions.sendFinal(tx, response(tx.request, 500, "Server Internal Error", tx.toTag));
            } else if (outcome instanceof InviteOutcome.Accept accept) {
                Dialog dialog = dialogs.open(tx);
                transactions.sendFinal(tx, ok(tx, accept.sdpAnswer(), dialogs.armSessionTimer(dialog, tx.request)));
                log.debug("[{}] 200 OK sent, dialog open ({} in all)", callId, dialogs.count());
            } else if (outcome instanceof InviteOutcome.Reject reject) {
                int status = reject.status() >= 300 && reject.status() <= 699 ? reject.status() : 500;
                log.info("[{}] INVITE rejected: {} {}", callId, status, reject.reason());
                transactions.sendFinal(tx, withWarning(response(tx.request, status, reject.reason(), tx.toTag), reject));
            }
        } catch (RuntimeException e) {
            log.warn("[{}] could not answer the INVITE: {}", callId, e.toString());
            transactions.remove(tx);  // nothing was sent that an ACK could confirm: let its place go
        }
    }

    private void onReinvite(SIPRequest request, Route route, String key, String toTag) {
        String callId = callId(request);
        Dialog dialog = dialogs.find(callId, toTag, request.getFromTag());
        ServerTransaction tx = transactions.open(key, request, route, toTag, dialog == null ? null : dialog.call, false);
        if (dialog == null) {
            log.info("[{}] re-INVITE for an unknown dialog", callId);
            transactions.sendOnce(tx, response(request, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        String problem = RequestScreening.offerProblem(request);
        if (problem != null) {
            sendOfferProblem(tx, problem);
            return;
        }
        SessionTimer tooShort = RequestScreening.tooShortSessionTimer(request);
        if (tooShort != null) {
            transactions.sendFinal(tx, tooSmall(request, tooShort));
            return;
        }
        InviteOutcome outcome;
        try {
            outcome = app.onReinvite(dialog.call, body(request));
        } catch (RuntimeException e) {
            log.warn("[{}] application failed the re-INVITE: {}", callId, e.toString());
            outcome = new InviteOutcome.Reject(500, "Server Internal Error");
        }
        if (outcome instanceof InviteOutcome.Accept accept) {
            dialog.awaitingAck = tx;
            transactions.sendFinal(tx, ok(tx, accept.sdpAnswer(), dialogs.armSessionTimer(dialog, request)));
            log.debug("[{}] re-INVITE answered 200", callId);
        } else if (outcome instanceof InviteOutcome.Reject reject) {
            int status = reject.status() >= 300 && reject.status() <= 699 ? reject.status() : 500;
            log.info("[{}] re-INVITE rejected: {} {}", callId, status, reject.reason());
            transactions.sendFinal(tx, withWarning(response(request, status, reject.reason(), null), reject));
        }
    }

    private static SIPResponse withWarning(SIPResponse response, InviteOutcome.Reject reject) {
        if (reject.warning() != null) {
            addHeader(response, "Warning", reject.warning());
        }
        return response;
    }

    private void sendOfferProblem(ServerTransaction tx, String problem) {
        int status = Integer.parseInt(problem.substring(0, 3));
        log.info("[{}] INVITE rejected: {}", callId(tx.request), problem);
        SIPResponse response = response(tx.request, status, problem.substring(4), tx.toTag);
        if (status == 415 || status == 406) {
            addHeader(response, "Accept", "application/sdp");
        }
        transactions.sendFinal(tx, response);
    }

    private SIPResponse ok(ServerTransaction tx, String sdp, SessionTimer timer) {
        SIPResponse response = response(tx.request, 200, "OK", tx.toTag);
        InetSocketAddress local = tx.call.local();
        addHeader(response, "Contact", "<sip:" + localAddresses.advertisedHost(local) + ":" + local.getPort()
                + ";transport=" + tx.route.transport().toLowerCase(Locale.ROOT) + ">");
        addHeader(response, "Allow", UserAgentServer.ALLOW);
        addHeader(response, "Supported", "timer");
        if (timer != null) {
            // RFC 4028 §9: the 2xx carries the interval; Require: timer because the client refreshes
            addHeader(response, "Session-Expires", timer.headerValue());
            if (timer.refresher().equals("uac")) {
                addHeader(response, "Require", "timer");
            }
        }
        setSdp(response, sdp);
        return response;
    }

    private static SIPResponse tooSmall(SIPRequest request, SessionTimer timer) {
        log.info("[{}] INVITE refused 422: Session-Expires {} s is below Min-SE {} s", callId(request),
                timer.seconds(), SessionTimer.MIN_SE);
        SIPResponse response = response(request, 422, "Session Interval Too Small", null);
        addHeader(response, "Min-SE", Integer.toString(SessionTimer.MIN_SE));
        return response;
    }
}
