package io.voxcpm.sip;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.voxcpm.text.LogSafe;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BYEs the server sends itself when the application ends a call (RFC 3261 §15.1.1), and their client
 * transactions (§17.1.2): over UDP the BYE is repeated from T1, doubling up to T2, until any response or
 * Timer F (64*T1). A BYE goes where the dialog's requests came from, never to an address the peer names.
 * Confined to the SIP event loop.
 */
final class Byes {

    private static final Logger log = LoggerFactory.getLogger(UserAgentServer.class);
    /** The branch of a response's top Via; only looked for while BYEs are outstanding. */
    private static final Pattern TOP_VIA_BRANCH = Pattern.compile(
            "\\n(?:Via|v)[ \\t]*:[^\\n]*?;[ \\t]*branch[ \\t]*=[ \\t]*([^;,\\s]+)", Pattern.CASE_INSENSITIVE);

    private final SipConfig config;
    private final EventLoop loop;
    private final LocalAddresses localAddresses;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Outgoing> byBranch = new HashMap<>();

    private static final class Outgoing {
        final String callId;
        final Route route;
        final byte[] bytes;
        ScheduledFuture<?> retransmit;
        ScheduledFuture<?> timeout;

        Outgoing(String callId, Route route, byte[] bytes) {
            this.callId = callId;
            this.route = route;
            this.bytes = bytes;
        }

        void cancel() {
            if (retransmit != null) {
                retransmit.cancel(false);
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    Byes(SipConfig config, EventLoop loop, LocalAddresses localAddresses) {
        this.config = config;
        this.loop = loop;
        this.localAddresses = localAddresses;
    }

    int outstanding() {
        return byBranch.size();
    }

    /** Sends a BYE in {@code dialog} saying why in a Reason header (RFC 3326). */
    void send(Dialog dialog, String reason) {
        String branch = "z9hG4bK" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        byte[] bytes;
        try {
            bytes = bye(dialog, branch, reason).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            log.warn("[{}] could not write a BYE: {}", dialog.call.callId(), e.toString());
            return;
        }
        Outgoing bye = new Outgoing(dialog.call.callId(), dialog.route, bytes);
        byBranch.put(branch, bye);
        dialog.route.send(bytes);
        if (!dialog.route.reliable()) {
            scheduleRetransmit(bye, config.t1().toNanos());
        }
        bye.timeout = loop.schedule(() -> {
            if (byBranch.remove(branch, bye)) {
                bye.cancel();
                log.debug("[{}] no answer to our BYE", bye.callId);
            }
        }, config.timerH().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A response arrived: true when it answers one of our BYEs, whose transaction then ends. */
    boolean onResponse(byte[] bytes) {
        if (byBranch.isEmpty()) {
            return false;
        }
        Matcher m = TOP_VIA_BRANCH.matcher(new String(bytes, 0, Math.min(bytes.length, 8192), StandardCharsets.UTF_8));
        Outgoing bye = m.find() ? byBranch.remove(m.group(1)) : null;
        if (bye == null) {
            return false;
        }
        bye.cancel();
        log.debug("[{}] our BYE was answered", bye.callId);
        return true;
    }

    void clear() {
        byBranch.values().forEach(Outgoing::cancel);
        byBranch.clear();
    }

    private void scheduleRetransmit(Outgoing bye, long intervalNanos) {
        bye.retransmit = loop.schedule(() -> {
            bye.route.send(bye.bytes);
            scheduleRetransmit(bye, Math.min(intervalNanos * 2, config.t2().toNanos()));
        }, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** §12.2.1.1: the remote target from the INVITE's Contact, the route set from its Record-Route, tags swapped. */
    private String bye(Dialog dialog, String branch, String reason) {
        Dialog.ByeHeaders headers = dialog.bye;
        if (headers == null) {
            throw new IllegalStateException("the INVITE's From, To or Contact could not be read back");
        }
        StringBuilder bye = new StringBuilder(512);
        bye.append("BYE ").append(headers.target()).append(" SIP/2.0\r\n");
        bye.append("Via: SIP/2.0/").append(dialog.route.transport()).append(' ')
                .append(localAddresses.advertisedHost(dialog.call.local())).append(':')
                .append(dialog.call.local().getPort()).append(";branch=").append(branch).append(";rport\r\n");
        bye.append("Max-Forwards: 70\r\n");
        bye.append("From: ").append(headers.from()).append("\r\n");
        bye.append("To: ").append(headers.to()).append("\r\n");
        bye.append("Call-ID: ").append(dialog.call.callId()).append("\r\n");
        bye.append("CSeq: 1 BYE\r\n");
        for (String route : headers.routes()) {
            bye.append("Route: ").append(route).append("\r\n");
        }
        bye.append("Reason: SIP;text=\"").append(LogSafe.quotable(reason)).append("\"\r\n");
        bye.append("User-Agent: ").append(SipMessages.SERVER_NAME).append("\r\n");
        bye.append("Content-Length: 0\r\n\r\n");
        return bye.toString();
    }
}
