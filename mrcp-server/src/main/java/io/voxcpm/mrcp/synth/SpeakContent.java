package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.SsmlParser;
import io.voxcpm.ssml.Style;
import java.util.Locale;

/** Turns a SPEAK body into a document to plan, by its Content-Type: SSML is read here, once. */
final class SpeakContent {

    static final String TEXT_PLAIN = "text/plain";
    static final String SSML = "application/ssml+xml";
    /** What UniMRCP's umc sends. */
    static final String SYNTHESIS_SSML = "application/synthesis+ssml";
    /** What Asterisk sends for prompts starting with http://, https:// or file://. */
    static final String URI_LIST = "text/uri-list";

    /** Why a body cannot be spoken, and the status/cause the client should get. */
    static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final CompletionCause cause;

        Rejection(int status, CompletionCause cause, String message) {
            super(message);
            this.status = status;
            this.cause = cause;
        }
    }

    private SpeakContent() {
    }

    /**
     * The words to speak, free of markup (what the length limit counts), and the document to plan: the SSML
     * read, or the plain text as one segment.
     */
    record Content(String text, SsmlDocument document) { }

    /** The outermost style, from the request's headers; read only once the body is known to be speakable. */
    @FunctionalInterface
    interface BaseStyle {
        Style get() throws SynthesisException;
    }

    static Content read(MrcpRequest speak, int maxChars, BaseStyle base) throws Rejection {
        String body = speak.content().text();
        if (body.isBlank()) {
            throw new Rejection(MrcpStatus.MANDATORY_HEADER_MISSING,
                    CompletionCause.PARSE_FAILURE, "SPEAK has no text to speak (empty body)");
        }
        String type = mediaType(speak.headers().get(MrcpHeaderNames.CONTENT_TYPE), body);
        boolean ssml = switch (type) {
            case TEXT_PLAIN -> false;
            case SSML, SYNTHESIS_SSML -> true;
            case URI_LIST -> throw new Rejection(MrcpStatus.UNSUPPORTED_HEADER_VALUE,
                    CompletionCause.URI_FAILURE,
                    "text/uri-list is not fetched: this server never loads arbitrary URIs");
            default -> throw new Rejection(MrcpStatus.UNSUPPORTED_HEADER_VALUE,
                    CompletionCause.PARSE_FAILURE,
                    "unsupported Content-Type '" + type + "' (use text/plain or application/ssml+xml)");
        };
        SsmlDocument document;
        try {
            document = ssml ? SsmlParser.parse(body, base.get()) : SsmlDocument.text(body, base.get());
        } catch (SynthesisException e) {
            throw new Rejection(MrcpStatus.METHOD_FAILED, SpeakAdmission.causeOf(e.reason(), true),
                    e.reason() == SynthesisException.Reason.PARSE_FAILURE ? "SSML: " + e.getMessage() : e.getMessage());
        }
        String text = ssml ? document.spokenText() : body;
        if (!document.isAudible()) {
            throw new Rejection(MrcpStatus.METHOD_FAILED,
                    CompletionCause.PARSE_FAILURE, "the SSML holds no text to speak");
        }
        if (text.length() > maxChars) {
            throw new Rejection(MrcpStatus.METHOD_FAILED,
                    CompletionCause.ERROR,
                    "text of " + text.length() + " characters exceeds the limit of " + maxChars);
        }
        return new Content(text, document);
    }

    /** The media type without parameters; a body with no Content-Type is sniffed like FreeSWITCH does. */
    private static String mediaType(String contentType, String body) {
        if (contentType == null || contentType.isBlank()) {
            String start = body.stripLeading();
            return start.startsWith("<?xml") || start.startsWith("<speak") ? SSML : TEXT_PLAIN;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
