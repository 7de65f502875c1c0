package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.channel.EventLoop;
import io.voxcpm.sdp.SdpAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.voxcpm.sip.SipMessages.addHeader;
import static io.voxcpm.sip.SipMessages.body;
import static io.voxcpm.sip.SipMessages.callId;
import static io.voxcpm.sip.SipMessages.encode;
import static io.voxcpm.sip.SipMessages.requestUser;
import static io.voxcpm.sip.SipMessages.requiredExtensions;
import static io.voxcpm.sip.SipMessages.response;
import static io.voxcpm.sip.SipMessages.route;
import static io.voxcpm.sip.SipMessages.setSdp;
import static io.voxcpm.sip.SipMessages.transactionKey;
import static io.voxcpm.sip.SipMessages.userAgent;

/**
 * The SIP user agent server: server transactions, dialogs and the method handlers. Every method runs on the
 * one SIP event loop, so its maps need no locking; the application's asynchronous answers are brought back
 * onto that loop.
 */
final class UserAgentServer {

    private static final Logger log = LoggerFactory.getLogger(UserAgentServer.class);

    static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS";
    private static final Set<String> KNOWN_METHODS = Set.of("REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE",
            "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH");

    private final SipConfig config;
    private final SipApplication app;
    private final EventLoop loop;
    private final LocalAddresses localAddresses;
    private final Map<String, ServerTransaction> transactions = new HashMap<>();
    private final Map<String, Dialog> dialogs = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    UserAgentServer(SipConfig config, SipApplication app, EventLoop loop) {
        this.config = config;
        this.app = app;
        this.loop = loop;
        this.localAddresses = new LocalAddresses(config.externalAddress());
    }

    int transactionCount() {
        return transactions.size();
    }

    int dialogCount() {
        return dialogs.size();
    }

    /** Entry point for every received message; nothing thrown here may reach the pipeline. */
    void receive(Inbound in) {
        try {
            handle(in);
        } catch (RuntimeException e) {
            log.warn("dropped a SIP message from {} after an internal error: {}", in.sender(), e.toString());
            log.debug("internal error detail", e);
        }
    }

    private void handle(Inbound in) {
        MessageReader.Result result = MessageReader.read(in.bytes());
        if (result instanceof MessageReader.Response) {
            log.debug("dropped a stray SIP response from {}", in.sender());
            return;
        }
        if (result instanceof MessageReader.Unreadable unreadable) {
            log.warn("dropped an unreadable SIP message from {} over {}: {}", in.sender(),
                    in.reliable() ? "TCP" : "UDP", unreadable.why());
            return;
        }
        MessageReader.Request read = (MessageReader.Request) result;
        SIPRequest request = read.request();
        Route route = route(request, in);
        if (read.problemStatus() != 0) {
            log.warn("[{}] {} from {}: {} {}", callId(request), request.getMethod(), in.sender(),
                    read.problemStatus(), read.problem());
            if (!SIPRequest.ACK.equals(request.getMethod())) {
                sendStateless(route, request, read.problemStatus(), read.problem());
            }
            return;
        }
        dispatch(request, route, in);
    }

    private void dispatch(SIPRequest request, Route route, Inbound in) {
        String method = request.getMethod();
        if (SIPRequest.ACK.equals(method)) {
            onAck(request);
            return;
        }
        String key = transactionKey(request, SIPRequest.CANCEL.equals(method) ? SIPRequest.CANCEL : method);
        ServerTransaction existing = transactions.get(key);
        if (existing != null) {  // a retransmission: answer it as before, never bother the application again
            if (existing.lastResponse != null) {
                existing.route.send(existing.lastResponse);
            }
            return;
        }
        if (!(request.getRequestURI() instanceof SipURI)) {
            sendStateless(route, request, 416, "Unsupported URI Scheme");
            return;
        }
        List<String> required = requiredExtensions(request);
        if (!required.isEmpty() && !SIPRequest.CANCEL.equals(method)) {
            SIPResponse response = response(request, 420, "Bad Extension", null);
            addHeader(response, "Unsupported", String.join(", ", required));
            route.send(encode(response, route));
            return;
        }
        if (transactions.size() >= config.maxTransactions()) {
            log.warn("[{}] {} refused: {} transactions in progress", callId(request), method, transactions.size());
            sendStateless(route, request, 503, "Service Unavailable");
            return;
        }
        switch (method) {
            case SIPRequest.INVITE -> onInvite(request, route, in, key);
            case SIPRequest.BYE -> onBye(request, route, key);
            case SIPRequest.CANCEL -> onCancel(request, route, key);
            case SIPRequest.OPTIONS -> onOptions(request, route, in, key);
            default -> {
                int status = KNOWN_METHODS.contains(method.toUpperCase(Locale.ROOT)) ? 405 : 501;
                ServerTransaction tx = newTransaction(key, request, route, null, null, false);
                SIPResponse response = response(request, status, status == 405 ? "Method Not Allowed" : "Not Implemented", null);
                addHeader(response, "Allow", ALLOW);
                sendFinal(tx, response);
            }
        }
    }

    // ---------------------------------------------------------------- INVITE

    private void onInvite(SIPRequest request, Route route, Inbound in, String key) {
        String callId = callId(request);
        String toTag = request.getToTag();
        if (toTag != null) {
            onReinvite(request, route, key, toTag);
            return;
        }
        String problem = offerProblem(request);
        ServerTransaction tx;
        if (problem != null) {
            tx = newTransaction(key, request, route, newTag(), null, false);
            sendOfferProblem(tx, problem);
            return;
        }
        if (refuseShortSessionTimer(request, route, key)) {
            return;
        }
        if (!app.ready()) {
            tx = newTransaction(key, request, route, newTag(), null, false);
            SIPResponse starting = response(request, 503, "Service Unavailable", tx.toTag);
            addHeader(starting, "Retry-After", "1");
            log.info("[{}] INVITE refused 503: the speech engine is still loading", callId);
            sendFinal(tx, starting);
            return;
        }
        if (dialogs.size() >= config.maxDialogs()) {
            log.warn("[{}] INVITE refused: {} dialogs open", callId, dialogs.size());
            tx = newTransaction(key, request, route, newTag(), null, false);
            sendFinal(tx, response(request, 503, "Service Unavailable", tx.toTag));
            return;
        }
        SipCall call = new SipCall(callId, in.sender(), localAddresses.localFor(in), route.transport(),
                requestUser(request), userAgent(request));
        tx = newTransaction(key, request, route, newTag(), call, true);
        SIPResponse trying = request.createResponse(100, "Trying");
        addHeader(trying, "Server", SipMessages.SERVER_NAME);
        tx.lastResponse = encode(trying, route);
        route.send(tx.lastResponse);
        log.info("[{}] INVITE from {} over {} to user {}", callId, in.sender(), route.transport(), call.requestUser());
        String offer = body(request);
        CompletionStage<InviteOutcome> outcome;
        try {
            outcome = app.onInviteAsync(call, offer);
        } catch (RuntimeException e) {
            answerInvite(tx, null, e);
            return;
        }
        ServerTransaction pending = tx;
        outcome.whenComplete((result, error) -> {
            if (loop.inEventLoop()) {
                answerInvite(pending, result, error);
            } else {
                loop.execute(() -> answerInvite(pending, result, error));
            }
        });
    }

    private void answerInvite(ServerTransaction tx, InviteOutcome outcome, Throwable error) {
        String callId = tx.call.callId();
        if (tx.cancelled || tx.state != ServerTransaction.State.PROCEEDING) {
            log.info("[{}] answer to a cancelled INVITE ignored", callId);
            return;
        }
        try {
            if (error != null || outcome == null) {
                log.warn("[{}] application failed the INVITE: {}", callId, error == null ? "no outcome" : error.toString());
                sendFinal(tx, response(tx.request, 500, "Server Internal Error", tx.toTag));
            } else if (outcome instanceof InviteOutcome.Accept accept) {
                Dialog dialog = new Dialog(Dialog.key(callId, tx.toTag, tx.request.getFromTag()), tx.call);
                dialogs.put(dialog.key, dialog);
                dialog.awaitingAck = tx;
                sendFinal(tx, ok(tx, accept.sdpAnswer(), armSessionTimer(dialog, tx.request)));
                log.info("[{}] 200 OK sent, dialog open ({} in all)", callId, dialogs.size());
            } else if (outcome instanceof InviteOutcome.Reject reject) {
                int status = reject.status() >= 300 && reject.status() <= 699 ? reject.status() : 500;
                log.info("[{}] INVITE rejected: {} {}", callId, status, reject.reason());
                sendFinal(tx, response(tx.request, status, reject.reason(), tx.toTag));
            }
        } catch (RuntimeException e) {
            log.warn("[{}] could not answer the INVITE: {}", callId, e.toString());
        }
    }

    private void onReinvite(SIPRequest request, Route route, String key, String toTag) {
        String callId = callId(request);
        Dialog dialog = dialogs.get(Dialog.key(callId, toTag, request.getFromTag()));
        ServerTransaction tx = newTransaction(key, request, route, toTag, dialog == null ? null : dialog.call, false);
        if (dialog == null) {
            log.info("[{}] re-INVITE for an unknown dialog", callId);
            sendFinal(tx, response(request, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        String problem = offerProblem(request);
        if (problem != null) {
            sendOfferProblem(tx, problem);
            return;
        }
        SessionTimer timer = SessionTimer.of(request);
        if (timer != null && timer.tooSmall()) {
            sendFinal(tx, tooSmall(request, timer));
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
            sendFinal(tx, ok(tx, accept.sdpAnswer(), armSessionTimer(dialog, request)));
            log.info("[{}] re-INVITE answered 200", callId);
        } else if (outcome instanceof InviteOutcome.Reject reject) {
            int status = reject.status() >= 300 && reject.status() <= 699 ? reject.status() : 500;
            log.info("[{}] re-INVITE rejected: {} {}", callId, status, reject.reason());
            sendFinal(tx, response(request, status, reject.reason(), null));
        }
    }

    /** Null when the INVITE carries an SDP offer, else "status reason" for the rejection. */
    private static String offerProblem(SIPRequest request) {
        AcceptHeader accept = acceptsWithoutSdp(request);
        if (accept != null) {
            return "406 Not Acceptable";
        }
        byte[] content = request.getRawContent();
        if (content == null || content.length == 0) {
            return "400 Missing SDP offer";
        }
        ContentTypeHeader type = request.getContentTypeHeader();
        if (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            return "415 Unsupported Media Type";
        }
        return null;
    }

    private void sendOfferProblem(ServerTransaction tx, String problem) {
        int status = Integer.parseInt(problem.substring(0, 3));
        log.info("[{}] INVITE rejected: {}", callId(tx.request), problem);
        SIPResponse response = response(tx.request, status, problem.substring(4), tx.toTag);
        if (status == 415 || status == 406) {
            addHeader(response, "Accept", "application/sdp");
        }
        sendFinal(tx, response);
    }

    /** The Accept header when it is present and rules out application/sdp (RFC 4475 sdp01), else null. */
    private static AcceptHeader acceptsWithoutSdp(SIPRequest request) {
        ListIterator<?> headers = request.getHeaders(AcceptHeader.NAME);
        AcceptHeader first = null;
        while (headers != null && headers.hasNext()) {
            AcceptHeader accept = (AcceptHeader) headers.next();
            first = first == null ? accept : first;
            String type = accept.getContentType();
            String sub = accept.getContentSubType();
            if (type == null || type.equals("*") || (type.equalsIgnoreCase("application")
                    && (sub == null || sub.equals("*") || sub.equalsIgnoreCase("sdp")))) {
                return null;
            }
        }
        return first;
    }

    private SIPResponse ok(ServerTransaction tx, String sdp, SessionTimer timer) {
        SIPResponse response = response(tx.request, 200, "OK", tx.toTag);
        InetSocketAddress local = tx.call.local();
        addHeader(response, "Contact", "<sip:" + localAddresses.advertisedHost(local) + ":" + local.getPort() + ";transport=" + tx.route.transport().toLowerCase(Locale.ROOT) + ">");
        addHeader(response, "Allow", ALLOW);
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

    /** 422 for a Session-Expires below our Min-SE (RFC 4028 §8.1); true when sent. */
    private boolean refuseShortSessionTimer(SIPRequest request, Route route, String key) {
        SessionTimer timer = SessionTimer.of(request);
        if (timer == null || !timer.tooSmall()) {
            return false;
        }
        ServerTransaction tx = newTransaction(key, request, route, newTag(), null, false);
        sendFinal(tx, tooSmall(request, timer));
        return true;
    }

    private SIPResponse tooSmall(SIPRequest request, SessionTimer timer) {
        log.info("[{}] INVITE refused 422: Session-Expires {} s is below Min-SE {} s", callId(request),
                timer.seconds(), SessionTimer.MIN_SE);
        SIPResponse response = response(request, 422, "Session Interval Too Small", null);
        addHeader(response, "Min-SE", Integer.toString(SessionTimer.MIN_SE));
        return response;
    }

    /**
     * (Re)starts the dialog's session timer from a request that carries one: without a refresh within the
     * interval the dialog ends ({@code SESSION_EXPIRED}). A request without Session-Expires stops it.
     */
    private SessionTimer armSessionTimer(Dialog dialog, SIPRequest request) {
        SessionTimer timer = SessionTimer.of(request);
        dialog.cancelSessionExpiry();
        if (timer != null) {
            dialog.sessionExpiry = loop.schedule(() -> {
                dialog.sessionExpiry = null;
                if (dialogs.remove(dialog.key, dialog)) {
                    log.warn("[{}] session timer of {} s expired without a refresh: call ended", dialog.call.callId(),
                            timer.seconds());
                    terminate(dialog.call, SipApplication.TerminationReason.SESSION_EXPIRED);
                }
            }, timer.seconds(), TimeUnit.SECONDS);
        }
        return timer;
    }

    // ---------------------------------------------------------------- ACK, BYE, CANCEL, OPTIONS

    private void onAck(SIPRequest ack) {
        ServerTransaction failed = transactions.get(transactionKey(ack, SIPRequest.INVITE));
        if (failed != null && failed.finalStatus >= 300) {  // ACK for a non-2xx shares the INVITE's branch
            failed.state = ServerTransaction.State.ACKED;
            remove(failed);
            return;
        }
        Dialog dialog = dialogs.get(Dialog.key(callId(ack), ack.getToTag(), ack.getFromTag()));
        if (dialog == null || dialog.awaitingAck == null) {
            log.debug("[{}] ACK matches nothing", callId(ack));
            return;
        }
        ServerTransaction tx = dialog.awaitingAck;
        dialog.awaitingAck = null;
        tx.state = ServerTransaction.State.ACKED;
        if (tx.retransmit != null) {
            tx.retransmit.cancel(false);
            tx.retransmit = null;
        }
        log.info("[{}] ACK received", dialog.call.callId());
    }

    private void onBye(SIPRequest request, Route route, String key) {
        String callId = callId(request);
        Dialog dialog = dialogs.remove(Dialog.key(callId, request.getToTag(), request.getFromTag()));
        ServerTransaction tx = newTransaction(key, request, route, null, null, false);
        if (dialog == null) {
            log.info("[{}] BYE for an unknown dialog", callId);
            sendFinal(tx, response(request, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        dialog.cancelSessionExpiry();
        if (dialog.awaitingAck != null) {
            dialog.awaitingAck.state = ServerTransaction.State.ACKED;
            if (dialog.awaitingAck.retransmit != null) {
                dialog.awaitingAck.retransmit.cancel(false);
            }
        }
        sendFinal(tx, response(request, 200, "OK", null));
        log.info("[{}] BYE: dialog closed ({} left)", callId, dialogs.size());
        terminate(dialog.call, SipApplication.TerminationReason.BYE);
    }

    private void onCancel(SIPRequest cancel, Route route, String key) {
        String callId = callId(cancel);
        ServerTransaction invite = transactions.get(transactionKey(cancel, SIPRequest.INVITE));
        ServerTransaction tx = newTransaction(key, cancel, route, invite == null ? null : invite.toTag, null, false);
        if (invite == null) {
            sendFinal(tx, response(cancel, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        sendFinal(tx, response(cancel, 200, "OK", invite.toTag));
        if (invite.state == ServerTransaction.State.PROCEEDING && invite.initialInvite && !invite.cancelled) {
            invite.cancelled = true;
            sendFinal(invite, response(invite.request, 487, "Request Terminated", invite.toTag));
            log.info("[{}] CANCEL: INVITE terminated with 487", callId);
            terminate(invite.call, SipApplication.TerminationReason.CANCEL);
        } else {
            log.info("[{}] CANCEL after the final response: nothing to cancel", callId);
        }
    }

    private void onOptions(SIPRequest request, Route route, Inbound in, String key) {
        ServerTransaction tx = newTransaction(key, request, route, null, null, false);
        SIPResponse response = response(request, 200, "OK", null);
        addHeader(response, "Allow", ALLOW);
        addHeader(response, "Accept", "application/sdp");
        String host = localAddresses.advertisedHost(localAddresses.localFor(in));
        setSdp(response, SdpAnswer.capabilities(host.startsWith("[") ? host.substring(1, host.length() - 1) : host));
        sendFinal(tx, response);
    }

    // ---------------------------------------------------------------- transactions and timers

    private ServerTransaction newTransaction(String key, SIPRequest request, Route route, String toTag, SipCall call,
                                             boolean initialInvite) {
        ServerTransaction tx = new ServerTransaction(key, request, route, toTag, call, initialInvite);
        transactions.put(key, tx);
        return tx;
    }

    /**
     * Sends a final response and arranges what follows: over UDP an INVITE's final response is repeated
     * (T1 doubling up to T2) until the ACK; every transaction is kept for 64*T1 to absorb retransmitted
     * requests (RFC 6026 for the 2xx), except a non-INVITE one over TCP, which cannot be retransmitted.
     */
    private void sendFinal(ServerTransaction tx, SIPResponse response) {
        tx.lastResponse = encode(response, tx.route);
        tx.finalStatus = response.getStatusCode();
        tx.state = ServerTransaction.State.COMPLETED;
        tx.route.send(tx.lastResponse);
        if (tx.isInvite()) {
            if (!tx.route.reliable()) {
                scheduleRetransmit(tx, config.t1().toNanos());
            }
            tx.expiry = loop.schedule(() -> expire(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
        } else if (tx.route.reliable()) {
            remove(tx);
        } else {
            tx.expiry = loop.schedule(() -> remove(tx), config.timerH().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void scheduleRetransmit(ServerTransaction tx, long intervalNanos) {
        tx.retransmit = loop.schedule(() -> {
            if (tx.state != ServerTransaction.State.COMPLETED) {
                return;
            }
            tx.route.send(tx.lastResponse);
            scheduleRetransmit(tx, Math.min(intervalNanos * 2, config.t2().toNanos()));
        }, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Timer H: the transaction ends; a 2xx that never got its ACK ends the dialog too. */
    private void expire(ServerTransaction tx) {
        boolean unacked = tx.state == ServerTransaction.State.COMPLETED;
        remove(tx);
        if (!unacked || tx.finalStatus >= 300 || tx.call == null) {
            return;
        }
        Dialog dialog = dialogs.get(Dialog.key(tx.call.callId(), tx.toTag, tx.request.getFromTag()));
        if (dialog == null || dialog.awaitingAck != tx) {
            return;
        }
        if (tx.initialInvite) {
            dialogs.remove(dialog.key);
            dialog.cancelSessionExpiry();
            log.warn("[{}] no ACK for the 200 OK within {} ms: call dropped", tx.call.callId(), config.timerH().toMillis());
            terminate(dialog.call, SipApplication.TerminationReason.ACK_TIMEOUT);
        } else {
            dialog.awaitingAck = null;
            log.warn("[{}] no ACK for the re-INVITE's 200 OK", tx.call.callId());
        }
    }

    private void remove(ServerTransaction tx) {
        tx.cancelTimers();
        transactions.remove(tx.key, tx);
    }

    /**
     * Drops the dialogs of a call the application has ended by itself (e.g. its MRCP connection went away for
     * good); no BYE is sent and {@code onTerminated} is not called. Returns how many were dropped.
     */
    int forget(String callId) {
        List<Dialog> gone = dialogs.values().stream().filter(d -> d.call.callId().equals(callId)).toList();
        for (Dialog dialog : gone) {
            dialogs.remove(dialog.key);
            dialog.cancelSessionExpiry();
            if (dialog.awaitingAck != null) {
                dialog.awaitingAck.state = ServerTransaction.State.ACKED;
                remove(dialog.awaitingAck);
            }
        }
        if (!gone.isEmpty()) {
            log.info("[{}] dialog forgotten at the application's request", callId);
        }
        return gone.size();
    }

    /** Ends every dialog on shutdown. */
    void shutdown() {
        List<Dialog> open = new ArrayList<>(dialogs.values());
        dialogs.clear();
        open.forEach(Dialog::cancelSessionExpiry);
        transactions.values().forEach(ServerTransaction::cancelTimers);
        transactions.clear();
        open.forEach(d -> terminate(d.call, SipApplication.TerminationReason.SHUTDOWN));
    }

    private void terminate(SipCall call, SipApplication.TerminationReason reason) {
        try {
            app.onTerminated(call, reason);
        } catch (RuntimeException e) {
            log.warn("[{}] application failed on termination ({}): {}", call.callId(), reason, e.toString());
        }
    }

    private void sendStateless(Route route, SIPRequest request, int status, String reason) {
        try {
            SIPResponse response = response(request, status, reason, newTag());
            if (status == 405 || status == 501) {
                addHeader(response, "Allow", ALLOW);
            }
            route.send(encode(response, route));
        } catch (RuntimeException e) {
            log.warn("[{}] could not even answer {}: {}", callId(request), status, e.toString());
        }
    }

    private String newTag() {
        return Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    }
}
