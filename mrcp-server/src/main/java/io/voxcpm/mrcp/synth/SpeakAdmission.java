package io.voxcpm.mrcp.synth;

import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.request.Segment;
import io.voxcpm.ssml.PronunciationLexicon;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.SsmlParser;
import io.voxcpm.ssml.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a SPEAK can be spoken, decided before any audio: everything knowable up front is a
 * {@link Rejection} here. What the SPEAK itself says (bad markup, a lexicon never defined) is answered in the
 * response; what needs the voices and prompts (an unknown voice, an impossible mode, a
 * prompt that does not exist) ends it with SPEAK-COMPLETE right after its IN-PROGRESS.
 *
 * <p>Two steps, so the SPEAK is answered between them: {@link #read} is cheap (the body and the headers) and
 * runs on the session's lane, which answers IN-PROGRESS or PENDING right after it; {@link #plan} is the
 * heavy part (SSML, voices, prompt look-ups) and runs on the shared executor with nothing but what
 * {@link #read} took from the session, so a failure it finds ends the SPEAK with SPEAK-COMPLETE instead.
 *
 * <p>Reading the body ({@link #readContent}: by Content-Type, SSML parsed once) is the first thing admission
 * decides, and most refusals come from it, so the reading and its one {@link Rejection} type live here. So
 * does what the admitted SPEAK is called among the stored frames of this session's format ({@link #frameKey}):
 * with its segments, that is the whole answer to "what will this SPEAK sound like".
 */
final class SpeakAdmission {

    private static final String TEXT_PLAIN = "text/plain";
    private static final String SSML = "application/ssml+xml";
    /** What UniMRCP's umc sends. */
    private static final String SYNTHESIS_SSML = "application/synthesis+ssml";
    /** What Asterisk sends for prompts starting with http://, https:// or file://. */
    private static final String URI_LIST = "text/uri-list";

    /** Why a SPEAK cannot be spoken, and the status/cause the client should get. */
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

    /**
     * A SPEAK that may be spoken: its segments, the unknown-voice complaint it was planned over, and what its
     * audio is called in the frame tier whatever the format ({@link io.voxcpm.cache.FrameTier#audioKey}; null
     * when it cannot be stored).
     */
    record Admitted(List<Segment> segments, String fallbackReason, String audioKey) { }

    /**
     * What {@link #read} took from the SPEAK and the session: all that {@link #plan} needs, immutable.
     *
     * @param context who asks (this session), for every engine request the SPEAK makes
     * @param memo    where SPEAKs like this one keep their plan; null when it is not remembered
     */
    record Reading(Content content, RequestDefaults defaults, PronunciationLexicon lexicon,
                   RequestContext context, SpeakPlanning.Prompt memo) { }

    /** Who asks, the same for every SPEAK of the session: made once, not per SPEAK. */
    private final RequestContext context;
    private final int maxTextChars;
    private final SpeakPlanning planning;
    private final int engineSampleRate;
    /** Null when SPEAKs are always synthesized (or replayed from disk) and encoded by their session. */
    private final FrameTier frames;
    private final SpeechEngine engine;
    private final TelephonyFormat format;
    private final int ptimeMs;

    /**
     * @param source the client host engine capacity is shared by (see {@link RequestContext#source})
     * @param format the session's codec, with {@code ptimeMs} what its stored frames are keyed by
     */
    SpeakAdmission(String sessionId, String source, int maxTextChars, SpeakPlanning planning,
                   SpeechEngine engine, TelephonyFormat format, int ptimeMs) {
        this.frames = planning.frameTier();
        this.engine = engine;
        this.format = format;
        this.ptimeMs = ptimeMs;
        this.context = RequestContext.session(sessionId).withSource(source);
        this.maxTextChars = maxTextChars;
        this.planning = planning;
        this.engineSampleRate = engine.sampleRate();
    }

    /**
     * Step 1, on the session's lane: the document (by Content-Type, SSML read once, with the SPEAK's headers
     * over the session's as its outermost voice and prosody), the lexicons it and the headers name, and what
     * it inherits from the session as it is now (a later SET-PARAMS or DEFINE-LEXICON does not change it).
     */
    Reading read(MrcpRequest speak, SessionParameters.Inherited parameters) throws Rejection {
        RequestDefaults defaults = parameters.requestDefaults();
        String body = speak.content().text();
        SpeakPlanning.PromptKey key = SpeakPlanning.promptKey(speak.headers().get(MrcpHeaderNames.CONTENT_TYPE),
                body, defaults);
        SpeakPlanning.Prompt entry = key == null ? null : planning.seen(key);
        Content content;
        if (entry != null) {
            content = entry.content; // read before, by this or another session, and speakable
        } else {
            content = readContent(speak, maxTextChars, () -> RequestPlanner.baseStyle(defaults));
            entry = key == null ? null : planning.remember(key, content);
        }
        List<String> searchOrder = lexiconUris(parameters.lexiconSearchOrder());
        checkLexicons(searchOrder, "Lexicon-Search-Order", parameters);
        checkLexicons(content.document().lexicons(), "SSML <lexicon>", parameters);
        PronunciationLexicon lexicon = parameters.lexicon(searchOrder, content.document().lexicons());
        return new Reading(content, defaults, lexicon, context,
                lexicon == PronunciationLexicon.EMPTY ? entry : null);
    }

    /** The plan a SPEAK like this one already made, for this session; null when none is known (or still good). */
    Admitted remembered(Reading reading) {
        return reading.memo() == null ? null : reading.memo().planned(reading.context());
    }

    /**
     * Step 2, anywhere (it reads only the {@link Reading}): the SPEAK's segments, with the session's lexicons
     * applied to its words; every {@code <audio>} must name a registered prompt or hold text to say.
     */
    Admitted plan(Reading reading) throws Rejection {
        Admitted known = remembered(reading);
        if (known != null) {
            return known;
        }
        try {
            long storeVersion = planning.storeVersion();
            SpeakPlanning.Plan plan = planning.plan(reading.content().document(), reading.defaults(),
                    reading.lexicon(), reading.context());
            String missing = missingPrompt(plan.segments());
            if (missing != null) {
                throw new SynthesisException(SynthesisException.Reason.URI_FAILURE, "no registered prompt named '"
                        + missing + "' and no text inside <audio> to say instead (URLs are never fetched)");
            }
            Admitted admitted = new Admitted(plan.segments(), plan.fallbackReason(), audioKey(plan.segments()));
            if (reading.memo() != null) {
                reading.memo().remember(admitted, plan.readsStores(), storeVersion);
            }
            return admitted;
        } catch (SynthesisException e) {
            throw new Rejection(MrcpStatus.METHOD_FAILED, causeOf(e.reason(), true), reasonOf(e));
        }
    }

    /**
     * What a plan says in the tier whatever the format ({@link FrameTier#audioKey}), or null when it cannot be
     * stored or there is no tier. Hashes every sentence: once per prompt ({@link SpeakPlanning}), off the MRCP
     * loops.
     */
    private String audioKey(List<Segment> segments) {
        return frames == null ? null : FrameTier.audioKey(segments, engine);
    }

    /**
     * The tier key of an admitted SPEAK's audio in this session's format, or null when it has none or reports
     * marks (marks are found by the player as it goes, so such a SPEAK always plays through it).
     */
    String frameKey(Admitted admitted, boolean markers) {
        String audioKey = admitted.audioKey();
        return audioKey == null || markers ? null : FrameTier.keyFor(audioKey, engine, format, ptimeMs);
    }

    /** Whether frames are stored under {@code frameKey} now (null: none). */
    boolean framesStored(String frameKey) {
        return frameKey != null && frames.contains(frameKey);
    }

    /** The first {@code <audio>} that would fail: no such prompt and no fallback content; null when none. */
    private String missingPrompt(List<Segment> segments) throws SynthesisException {
        for (Segment s : segments) {
            if (s instanceof Segment.AudioRef a) {
                if (planning.prompts().find(a.name(), engineSampleRate).isEmpty()) {
                    String inner = a.fallback().isEmpty() ? a.name() : missingPrompt(a.fallback());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return null;
    }

    /** The URIs in a Lexicon-Search-Order value, without angle brackets. */
    private static List<String> lexiconUris(String order) {
        if (order == null) {
            return List.of(); // nearly every SPEAK: no list to make on the MRCP loop
        }
        List<String> uris = new ArrayList<>();
        for (String entry : order.split("[\\s,]+")) {
            String uri = entry.strip();
            if (uri.startsWith("<") && uri.endsWith(">")) {
                uri = uri.substring(1, uri.length() - 1);
            }
            if (!uri.isEmpty()) {
                uris.add(uri);
            }
        }
        return uris;
    }

    /** Lexicons may only be this session's; nothing is ever fetched. */
    private static void checkLexicons(List<String> uris, String where, SessionParameters.Inherited session)
            throws Rejection {
        for (String uri : uris) {
            if (!uri.regionMatches(true, 0, SessionParameters.SESSION_SCHEME, 0,
                    SessionParameters.SESSION_SCHEME.length())) {
                throw new Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.URI_FAILURE,
                        where + " lexicon " + HeaderValues.clip(uri) + " is not fetched: only session: lexicons "
                        + "(defined with DEFINE-LEXICON) are used");
            }
            if (!session.hasLexicon(uri.substring(SessionParameters.SESSION_SCHEME.length()))) {
                throw new Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.LEXICON_LOAD_FAILURE,
                        "no lexicon " + HeaderValues.clip(uri) + " was defined in this session");
            }
        }
    }

    /**
     * The body as a document to plan, by its Content-Type; also what tools that prepare calls' prompts read
     * ({@link SpeakPreview}), so they land under the keys the calls look up.
     */
    static Content readContent(MrcpRequest speak, int maxChars, BaseStyle base) throws Rejection {
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
            throw new Rejection(MrcpStatus.METHOD_FAILED, causeOf(e.reason(), true),
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

    /**
     * The one mapping from an engine's failure reason to a Completion-Cause (RFC 6787 §8.4.11). The RFC has
     * no cause for a bad voice or parameter: 004 with a reason that says what to fix. An unknown voice found
     * while planning is such a client mistake (004); one the engine reports while speaking is a voice it
     * could not load (003).
     */
    static CompletionCause causeOf(SynthesisException.Reason reason, boolean whilePlanning) {
        return switch (reason) {
            case PARSE_FAILURE -> CompletionCause.PARSE_FAILURE;
            case URI_FAILURE -> CompletionCause.URI_FAILURE;
            case UNKNOWN_VOICE -> whilePlanning ? CompletionCause.ERROR : CompletionCause.URI_FAILURE;
            case LANGUAGE_UNSUPPORTED -> CompletionCause.LANGUAGE_UNSUPPORTED;
            case INVALID_REQUEST, OVERLOADED, ENGINE_FAILURE -> CompletionCause.ERROR;
        };
    }

    private static String reasonOf(SynthesisException e) {
        return switch (e.reason()) {
            case UNKNOWN_VOICE -> e.getMessage() + ": register it with `voxcpm-mrcp voices add`, or use 'default'";
            case PARSE_FAILURE -> "SSML: " + e.getMessage();
            default -> e.getMessage();
        };
    }
}
