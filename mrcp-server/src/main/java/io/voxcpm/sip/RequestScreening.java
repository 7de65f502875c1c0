package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPRequest;
import java.util.List;
import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;

/**
 * What a request must be before a method handler sees it (RFC 3261 §8.2): a SIP URI, no extension we do not
 * support, and for an INVITE an SDP offer we can read and a session interval we accept. Stateless.
 */
final class RequestScreening {

    private RequestScreening() {
    }

    /** RFC 3261 §8.2.2.1: only sip: and sips: Request-URIs are served (416 otherwise). */
    static boolean unsupportedUriScheme(SIPRequest request) {
        return !(request.getRequestURI() instanceof SipURI);
    }

    /** RFC 3261 §8.2.2.3: the Require option-tags we do not support (a CANCEL's are ignored); empty when none. */
    static List<String> unsupportedExtensions(SIPRequest request) {
        return SIPRequest.CANCEL.equals(request.getMethod()) ? List.of() : SipMessages.requiredExtensions(request);
    }

    /** Null when the INVITE carries an SDP offer, else "status reason" for the rejection. */
    static String offerProblem(SIPRequest request) {
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

    /** The request's session timer when it is below our Min-SE (RFC 4028 §8.1: 422), else null. */
    static SessionTimer tooShortSessionTimer(SIPRequest request) {
        SessionTimer timer = SessionTimer.of(request);
        return timer != null && timer.tooSmall() ? timer : null;
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
}
