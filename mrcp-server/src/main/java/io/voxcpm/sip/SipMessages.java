package io.voxcpm.sip;

import gov.nist.javax.sip.header.ExtensionHeaderImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.address.SipURI;
import javax.sip.header.RequireHeader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;

/** Reading requests and building responses with jain-sip's message classes. Stateless. */
final class SipMessages {

    private static final Logger log = LoggerFactory.getLogger(SipMessages.class);
    static final String SERVER_NAME = "voxcpm-mrcp";
    private static final String MAGIC_COOKIE = "z9hG4bK";
    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();

    private SipMessages() { }

    /**
     * RFC 3261 §17.2.3: branch + sent-by + method; for an RFC 2543 branch, the request's identity instead.
     */
    static String transactionKey(SIPRequest request, String method) {
        Via via = request.getTopmostVia();
        String branch = via.getBranch();
        String sentBy = via.getHost() + ":" + via.getPort();
        if (branch != null && branch.length() > MAGIC_COOKIE.length() && branch.startsWith(MAGIC_COOKIE)) {
            return branch + '|' + sentBy + '|' + method;
        }
        return "2543|" + callId(request) + '|' + request.getCSeq().getSeqNumber() + '|' + request.getFromTag()
                + '|' + sentBy + '|' + method;
    }

    /**
     * Records {@code received}/{@code rport} in the top Via (RFC 3261 §18.2.1, RFC 3581) and picks where UDP
     * responses go: the source address, at the source port when rport was asked for, else the Via's port.
     */
    static Route route(SIPRequest request, Inbound in) {
        Via via = request.getTopmostVia();
        InetSocketAddress sender = in.sender();
        String sourceIp = sender.getAddress().getHostAddress();
        boolean rport = via.hasParameter("rport");
        try {
            if (!sourceIp.equals(via.getHost())) {
                via.setReceived(sourceIp);
            }
            if (rport) {
                via.setParameter("rport", Integer.toString(sender.getPort()));
            }
        } catch (ParseException | RuntimeException e) {
            log.debug("could not annotate the Via: {}", e.toString());
        }
        if (in.reliable() || rport) {
            return new Route(in.channel(), sender, in.reliable());
        }
        int port = via.getPort() > 0 ? via.getPort() : 5060;
        return new Route(in.channel(), new InetSocketAddress(sender.getAddress(), port), false);
    }

    static SIPResponse response(SIPRequest request, int status, String reason, String toTag) {
        SIPResponse response = request.createResponse(status, reason);
        if (response.getTo() != null && response.getTo().getTag() == null) {
            try {
                response.getTo().setTag(toTag != null ? toTag : Long.toHexString(System.nanoTime()));
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
        }
        addHeader(response, "Server", SERVER_NAME);
        return response;
    }

    static byte[] encode(SIPResponse response, Route route) {
        SipTraffic.response(response.getCSeq() == null ? null : response.getCSeq().getMethod(),
                response.getStatusCode());
        return response.encodeAsBytes(route.transport());
    }

    /**
     * A header we write and never read back, added as text: jain-sip's parser costs several µs a header and
     * throws (and catches) an exception for a Server value without a version, on every response. Line breaks,
     * which would start another header, are folded into spaces.
     */
    static void addHeader(SIPResponse response, String name, String value) {
        ExtensionHeaderImpl header = new ExtensionHeaderImpl(name);
        header.setValue(value.indexOf('\r') < 0 && value.indexOf('\n') < 0 ? value
                : value.replace('\r', ' ').replace('\n', ' '));
        response.addHeader(header);
    }

    static void setSdp(SIPResponse response, String sdp) {
        try {
            response.setContent(sdp.getBytes(StandardCharsets.UTF_8), HEADERS.createContentTypeHeader("application", "sdp"));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> requiredExtensions(SIPRequest request) {
        List<String> tags = new ArrayList<>();
        ListIterator<?> headers = request.getHeaders(RequireHeader.NAME);
        while (headers != null && headers.hasNext()) {
            tags.add(((RequireHeader) headers.next()).getOptionTag());
        }
        return tags;
    }

    static String body(SIPRequest request) {
        byte[] content = request.getRawContent();
        return content == null ? "" : new String(content, StandardCharsets.UTF_8);
    }

    static String requestUser(SIPRequest request) {
        return request.getRequestURI() instanceof SipURI uri ? uri.getUser() : null;
    }

    static String userAgent(SIPRequest request) {
        var header = request.getHeader("User-Agent");
        if (header == null) {
            return null;
        }
        String encoded = header.toString();
        int colon = encoded.indexOf(':');
        return encoded.substring(colon + 1).strip();
    }

    static String callId(SIPRequest request) {
        return request.getCallId() == null ? "-" : request.getCallId().getCallId();
    }
}
