package io.voxcpm.sip;

import static io.voxcpm.sip.SipMessages.addHeader;
import static io.voxcpm.sip.SipMessages.callId;
import static io.voxcpm.sip.SipMessages.encode;
import static io.voxcpm.sip.SipMessages.response;
import static io.voxcpm.sip.SipMessages.route;
import static io.voxcpm.sip.SipMessages.setSdp;
import static io.voxcpm.sip.SipMessages.transactionKey;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.channel.EventLoop;
import io.voxcpm.net.SourceRateLimiter;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP user agent server: reads each request, screens it ({@link RequestScreening}), matches it to its
 * transaction ({@link Transactions}) and dialog ({@link Dialogs}), and hands it to its method's handler
 * (INVITE in {@link InviteHandler}; ACK, BYE, CANCEL and OPTIONS here). Every method runs on the one SIP event
 * loop, so nothing needs locking.
 */
final class UserAgentServer {

    private static final Logger log = LoggerFactory.getLogger(UserAgentServer.class);

    /** As jain-sip's Allow header wrote it when responses were built from parsed headers: the bytes stay the same. */
    static final String ALLOW = "INVITE,ACK,BYE,CANCEL,OPTIONS";
    private static final Set<String> KNOWN_METHODS = Set.of("REGISTER", "PRACK", "UPDATE", "INFO", "MESSAGE",
            "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH");

    private final SipApplication app;
    private final LocalAddresses localAddresses;
    private final Transactions transactions;
    private final Dialogs dialogs;
    private final InviteHandler invites;
    private final Byes byes;
    private final SipLimits limits;
    private final SourceRateLimiter rejections;
    private final AwaitingAck awaitingAck;
    private final SecureRandom random = new SecureRandom();

    UserAgentServer(SipConfig config, SipApplication app, EventLoop loop) {
        this.app = app;
        this.limits = config.sourceLimits();
        this.localAddresses = new LocalAddresses(config.externalAddress());
        this.dialogs = new Dialogs(app, loop, config.maxDialogs(), limits.ackTimeout(), config.timerH());
        this.transactions = new Transactions(config, loop, tx -> dialogs.unacked(tx, config.timerH().toMillis()));
        this.byes = new Byes(config, loop, localAddresses);
        this.rejections = new SourceRateLimiter(limits.rejectionsPerSecond(),
                (int) Math.max(1, Math.ceil(limits.rejectionsPerSecond() * 2)), loop.ticker()::nanoTime);
        this.awaitingAck = new AwaitingAck(limits.maxAwaitingAck(), limits.maxAwaitingAckPerSource());
        SipCall.Hangup hangup = (callId, reason) -> loop.execute(() -> hangUp(callId, reason));
        this.invites = new InviteHandler(app, loop, localAddresses, transactions, dialogs, this::newTag, hangup,
                new SourceRateLimiter(limits.invitesPerSecond(), limits.inviteBurst(), loop.ticker()::nanoTime),
                this::mayReject, awaitingAck);
    }

    int transactionCount() {
        return transactions.count();
    }

    /** Transactions awaiting a final response or an ACK: what the quotas count. */
    int transactionsInProgress() {
        return transactions.inProgress();
    }

    /** Finished transactions kept only to absorb retransmissions. */
    int lingeringTransactions() {
        return transactions.lingering();
    }

    int dialogCount() {
        return dialogs.count();
    }

    /** New UDP sessions whose INVITE has not been confirmed by an ACK. */
    int awaitingAckCount() {
        return awaitingAck.count();
    }

    /** Entry point for every received message; nothing thrown here may reach the pipeline. */
    void receive(Inbound in) {
        if (!limits.allows(in.sender().getAddress())) {
            log.debug("dropped SIP from {}: not in sip.allowed-networks", in.sender());
            return;
        }
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
            if (!byes.onResponse(in.bytes())) {
                log.debug("dropped a stray SIP response from {}", in.sender());
            }
            return;
        }
        if (result instanceof MessageReader.Unreadable unreadable) {
            SipTraffic.unreadable();
            log.warn("dropped an unreadable SIP message from {} over {}: {}", in.sender(),
                    in.reliable() ? "TCP" : "UDP", unreadable.why());
            return;
        }
        MessageReader.Request read = (MessageReader.Request) result;
        SIPRequest request = read.request();
        SipTraffic.request(request.getMethod());
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
        ServerTransaction existing = transactions.find(key);
        if (existing != null) {  // a retransmission: answer it as before, never bother the application again
            existing.answerRetransmission();
            return;
        }
        if (RequestScreening.unsupportedUriScheme(request)) {
            sendStateless(route, request, 416, "Unsupported URI Scheme");
            return;
        }
        List<String> unsupported = RequestScreening.unsupportedExtensions(request);
        if (!unsupported.isEmpty()) {
            SIPResponse response = response(request, 420, "Bad Extension", null);
            addHeader(response, "Unsupported", String.join(",", unsupported));
            route.send(encode(response, route));
            return;
        }
        InetAddress source = route.target().getAddress();
        if (transactions.fullFor(source) && !endsState(request)) {
            // per source: one busy or hostile source never makes another's requests (a BYE above all) fail
            log.warn("[{}] {} refused 503: {} has {} transactions in progress (the per-source quota)", callId(request),
                    method, source.getHostAddress(), transactions.countFor(source));
            sendStateless(route, request, 503, "Service Unavailable");
            return;
        }
        if (transactions.full() && !endsState(request)) {
            log.warn("[{}] {} refused 503: {} transactions in progress", callId(request), method,
                    transactions.inProgress());
            sendStateless(route, request, 503, "Service Unavailable");
            return;
        }
        switch (method) {
            case SIPRequest.INVITE -> invites.onInvite(request, route, in, key);
            case SIPRequest.BYE -> onBye(request, route, key);
            case SIPRequest.CANCEL -> onCancel(request, route, key);
            case SIPRequest.OPTIONS -> onOptions(request, route, in, key);
            default -> {
                int status = KNOWN_METHODS.contains(method.toUpperCase(Locale.ROOT)) ? 405 : 501;
                ServerTransaction tx = transactions.open(key, request, route, null, null, false);
                SIPResponse response = response(request, status, status == 405 ? "Method Not Allowed" : "Not Implemented", null);
                addHeader(response, "Allow", ALLOW);
                transactions.sendFinal(tx, response);
            }
        }
    }

    /** A BYE or CANCEL for state we hold: let in even when the table is full, since it frees more than it takes. */
    private boolean endsState(SIPRequest request) {
        return switch (request.getMethod()) {
            case SIPRequest.BYE -> dialogs.find(callId(request), request.getToTag(), request.getFromTag()) != null;
            case SIPRequest.CANCEL -> transactions.find(transactionKey(request, SIPRequest.INVITE)) != null;
            default -> false;
        };
    }

    private void onAck(SIPRequest ack) {
        ServerTransaction failed = transactions.find(transactionKey(ack, SIPRequest.INVITE));
        if (failed != null && failed.finalStatus() >= 300) {  // ACK for a non-2xx shares the INVITE's branch
            failed.acked();
            transactions.remove(failed);
            return;
        }
        Dialog dialog = dialogs.find(callId(ack), ack.getToTag(), ack.getFromTag());
        if (dialog == null || dialog.awaitingAck == null) {
            log.debug("[{}] ACK matches nothing", callId(ack));
            return;
        }
        dialog.acked();
        log.debug("[{}] ACK received", dialog.call.callId());
    }

    private void onBye(SIPRequest request, Route route, String key) {
        String callId = callId(request);
        Dialog dialog = dialogs.close(callId, request.getToTag(), request.getFromTag());
        ServerTransaction tx = transactions.open(key, request, route, null, null, false);
        if (dialog == null) {
            log.info("[{}] BYE for an unknown dialog", callId);
            transactions.sendFinal(tx, response(request, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        dialog.acked(); // the BYE proves the 2xx arrived
        transactions.sendFinal(tx, response(request, 200, "OK", null));
        log.debug("[{}] BYE: dialog closed ({} left)", callId, dialogs.count());
        dialogs.ended(dialog.call, SipApplication.TerminationReason.BYE);
    }

    private void onCancel(SIPRequest cancel, Route route, String key) {
        String callId = callId(cancel);
        ServerTransaction invite = transactions.find(transactionKey(cancel, SIPRequest.INVITE));
        ServerTransaction tx = transactions.open(key, cancel, route, invite == null ? null : invite.toTag, null, false);
        if (invite == null) {
            transactions.sendFinal(tx, response(cancel, 481, "Call/Transaction Does Not Exist", null));
            return;
        }
        transactions.sendFinal(tx, response(cancel, 200, "OK", invite.toTag));
        if (invite.cancel()) {
            transactions.sendFinal(invite, response(invite.request, 487, "Request Terminated", invite.toTag));
            log.info("[{}] CANCEL: INVITE terminated with 487", callId);
            dialogs.ended(invite.call, SipApplication.TerminationReason.CANCEL);
        } else {
            log.info("[{}] CANCEL after the final response: nothing to cancel", callId);
        }
    }

    /** RFC 3261 §11.2: what we accept, and the media the application could set up, as an SDP body. */
    private void onOptions(SIPRequest request, Route route, Inbound in, String key) {
        ServerTransaction tx = transactions.open(key, request, route, null, null, false);
        SIPResponse response = response(request, 200, "OK", null);
        addHeader(response, "Allow", ALLOW);
        addHeader(response, "Accept", "application/sdp");
        String host = localAddresses.advertisedHost(localAddresses.localFor(in));
        String capabilities = app.capabilities(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (capabilities != null) {
            setSdp(response, capabilities);
        }
        transactions.sendFinal(tx, response);
    }

    /**
     * Ends the dialogs of a call the application has ended by itself (its client went quiet, a session limit):
     * each gets a BYE saying why, and is gone at once, so a BYE from the client gets 481. {@code onTerminated}
     * is not called.
     */
    void hangUp(String callId, String reason) {
        List<Dialog> gone = dialogs.forget(callId);
        for (Dialog dialog : gone) {
            if (dialog.awaitingAck != null) {
                ServerTransaction unacked = dialog.awaitingAck;
                dialog.acked();
                transactions.remove(unacked);
            }
            byes.send(dialog, reason);
            log.info("[{}] BYE sent: {}", callId, reason);
        }
    }

    /** Ends every dialog on shutdown. */
    void shutdown() {
        byes.clear();
        transactions.clear();
        dialogs.closeAll(SipApplication.TerminationReason.SHUTDOWN);
    }

    /**
     * Whether a rejection may go to this source now: a spoofed source must not turn the server into an
     * amplifier, so past {@link SipLimits#rejectionsPerSecond} its requests are dropped unanswered.
     */
    boolean mayReject(Route route) {
        if (rejections.tryAcquire(route.target().getAddress())) {
            return true;
        }
        log.debug("dropped a request from {} unanswered: rejections to it are over the rate limit", route.target());
        return false;
    }

    private void sendStateless(Route route, SIPRequest request, int status, String reason) {
        if (!mayReject(route)) {
            return;
        }
        try {
            SIPResponse response = response(request, status, reason, newTag());
            if (status == 405 || status == 501) {
                addHeader(response, "Allow", ALLOW);
            }
            if (status == 503) {
                addHeader(response, "Retry-After", "1");
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
