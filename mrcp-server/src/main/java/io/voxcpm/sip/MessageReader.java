package io.voxcpm.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns bytes into a jain-sip message and says what is wrong with it, if anything. jain-sip's parser is
 * lenient: it drops a header it cannot parse and keeps going, so the dropped ones are collected here and the
 * ones a response depends on make the request a 400.
 */
final class MessageReader {

    /** Header classes (jain-sip simple names) whose damage makes a request unanswerable as sent. */
    private static final Set<String> ESSENTIAL = Set.of("Via", "From", "To", "CallID", "CSeq", "ContentLength",
            "MaxForwards", "ContentType");
    /** Stands in for an unreadable request line so the headers can still be read for a 400. */
    private static final byte[] PLACEHOLDER_LINE = "OPTIONS sip:invalid.invalid SIP/2.0".getBytes(StandardCharsets.US_ASCII);

    private MessageReader() { }

    sealed interface Result { }

    /** A response: a UAS without client transactions drops it. */
    record Response() implements Result { }

    /** A readable request; {@code problem} is null when it is fit to process, else the 4xx/5xx to send. */
    record Request(SIPRequest request, int problemStatus, String problem) implements Result { }

    /** Not even the headers needed for a response could be read. */
    record Unreadable(String why) implements Result { }

    /**
     * Pays jain-sip's one-time cost up front: the first unparseable message initialises its logging (log4j),
     * which loads classes for seconds on a busy host, and that must not happen on the SIP event loop.
     */
    static void warmUp() {
        read(new byte[] {0, 1, 2, 3, (byte) 0xff});
        read("INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKwarm\r\nCSeq: one INVITE\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    }

    static Result read(byte[] bytes) {
        int lineEnd = indexOf(bytes, (byte) '\n');
        String startLine = new String(bytes, 0, lineEnd < 0 ? bytes.length : lineEnd, StandardCharsets.UTF_8).strip();
        if (startLine.startsWith("SIP/")) {
            return new Response();
        }
        List<String> damaged = new ArrayList<>();
        ParseExceptionListener listener = (ex, message, headerClass, headerText, messageText) ->
                damaged.add(headerClass == null ? "?" : headerClass.getSimpleName());
        SIPMessage message;
        String failure;
        try {
            message = new StringMsgParser().parseSIPMessage(bytes, true, false, listener);
            failure = message == null ? "empty message" : null;
        } catch (ParseException | RuntimeException e) {
            message = null;
            failure = firstLine(e.getMessage());
        }
        if (message == null) {
            return salvage(bytes, lineEnd, failure);
        }
        if (!(message instanceof SIPRequest request)) {
            return new Response();
        }
        if (request.getTopmostVia() == null) {
            return new Unreadable("no readable Via");
        }
        if (request.getRequestLine() == null || request.getMethod() == null) {
            return new Request(request, 400, "Bad Request-Line");
        }
        String[] tokens = startLine.split(" ");
        if (!tokens[tokens.length - 1].equalsIgnoreCase("SIP/2.0")) {
            return new Request(request, 505, "Version Not Supported");
        }
        for (String header : damaged) {
            if (ESSENTIAL.contains(header)) {
                return new Request(request, 400, "Bad " + header + " header");
            }
        }
        if (request.getCallId() == null || request.getFrom() == null || request.getTo() == null
                || request.getCSeq() == null) {
            return new Request(request, 400, "Missing Call-ID, From, To or CSeq");
        }
        int headerEnd = HeaderBlock.end(bytes, 0, bytes.length);
        String duplicated = HeaderBlock.duplicatedSingleHeader(
                new String(bytes, 0, headerEnd < 0 ? bytes.length : headerEnd, StandardCharsets.UTF_8));
        if (duplicated != null) {
            return new Request(request, 400, "Duplicate " + duplicated + " header");
        }
        if (!request.getCSeq().getMethod().equals(request.getMethod())) {
            return new Request(request, 400, "CSeq method does not match the request method");
        }
        return new Request(request, 0, null);
    }

    /** Re-reads the headers alone under a placeholder request line, to answer 400 when they allow it. */
    private static Result salvage(byte[] bytes, int lineEnd, String failure) {
        int headerEnd = HeaderBlock.end(bytes, 0, bytes.length);
        if (lineEnd < 0) {
            return new Unreadable(failure);
        }
        int end = headerEnd < 0 ? bytes.length : headerEnd;
        byte[] headersOnly = new byte[PLACEHOLDER_LINE.length + (end - lineEnd) + 2];
        System.arraycopy(PLACEHOLDER_LINE, 0, headersOnly, 0, PLACEHOLDER_LINE.length);
        headersOnly[PLACEHOLDER_LINE.length] = '\r';
        System.arraycopy(bytes, lineEnd, headersOnly, PLACEHOLDER_LINE.length + 1, end - lineEnd);
        headersOnly[headersOnly.length - 1] = '\n';
        try {
            SIPMessage message = new StringMsgParser().parseSIPMessage(headersOnly, false, false, null);
            if (message instanceof SIPRequest request && request.getTopmostVia() != null
                    && request.getCallId() != null && request.getCSeq() != null
                    && request.getFrom() != null && request.getTo() != null) {
                return new Request(request, 400, "Bad Request");
            }
        } catch (ParseException | RuntimeException e) {
            // fall through: nothing usable
        }
        return new Unreadable(failure);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unparseable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
