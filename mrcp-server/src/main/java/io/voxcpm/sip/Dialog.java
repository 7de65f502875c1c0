package io.voxcpm.sip;

import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPRequest;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.header.ContactHeader;

/** A confirmed (or 2xx-sent) dialog. Confined to the SIP event loop. */
final class Dialog {

    final String key;
    final SipCall call;
    /**
     * What a BYE from our side takes from the INVITE (§12.2.1.1), kept as four strings rather than the parsed
     * INVITE itself (its SDP, every header object: ~2 KB a call, for the whole call); null when the INVITE's
     * headers cannot make one, which {@link Byes} reports when it would need it.
     */
    final ByeHeaders bye;
    final String localTag;
    /** Where the dialog's requests came from, and where a BYE from our side goes. */
    final Route route;
    /** The INVITE or re-INVITE whose 2xx still waits for its ACK, if any. */
    ServerTransaction awaitingAck;
    /** Ends the dialog when the client stops refreshing its session timer; null without timer. */
    io.netty.util.concurrent.ScheduledFuture<?> sessionExpiry;
    /** Ends an initial INVITE's dialog whose 2xx gets no ACK, sooner than Timer H; null once acknowledged. */
    io.netty.util.concurrent.ScheduledFuture<?> ackDeadline;

    Dialog(String key, ServerTransaction invite) {
        this.key = key;
        this.call = invite.call;
        this.localTag = invite.toTag;
        this.bye = ByeHeaders.of(invite.request, invite.toTag);
        this.route = invite.route;
    }

    void cancelTimers() {
        if (sessionExpiry != null) {
            sessionExpiry.cancel(false);
            sessionExpiry = null;
        }
        if (ackDeadline != null) {
            ackDeadline.cancel(false);
            ackDeadline = null;
        }
    }

    /** The ACK (or a BYE standing for it) arrived for the transaction this dialog waited on. */
    void acked() {
        if (awaitingAck != null) {
            awaitingAck.acked();
            awaitingAck = null;
        }
        if (ackDeadline != null) {
            ackDeadline.cancel(false);
            ackDeadline = null;
        }
    }

    static String key(String callId, String localTag, String remoteTag) {
        return callId + '\n' + localTag + '\n' + (remoteTag == null ? "" : remoteTag);
    }

    /**
     * @param target the remote target: the INVITE's Contact URI, else its From URI
     * @param from   our From: the INVITE's To with our tag
     * @param to     the INVITE's From
     * @param routes the route set: the INVITE's Record-Route values, in order
     */
    record ByeHeaders(String target, String from, String to, List<String> routes) {

        static ByeHeaders of(SIPRequest invite, String localTag) {
            try {
                ContactHeader contact = (ContactHeader) invite.getHeader(ContactHeader.NAME);
                String target = contact != null && contact.getAddress() != null
                        ? contact.getAddress().getURI().toString()
                        : invite.getFrom().getAddress().getURI().toString();
                To local = (To) invite.getTo().clone();
                local.setTag(localTag);
                List<String> routes = new ArrayList<>(0);
                ListIterator<?> records = invite.getHeaders(RecordRoute.NAME);
                while (records != null && records.hasNext()) {
                    routes.add(((RecordRoute) records.next()).getHeaderValue());
                }
                return new ByeHeaders(target, local.getHeaderValue(),
                        ((SIPHeader) invite.getFrom()).getHeaderValue(), List.copyOf(routes));
            } catch (ParseException | RuntimeException e) {
                return null;
            }
        }
    }
}
