package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.request.Segment;
import io.voxcpm.ssml.PronunciationLexicon;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Whether a SPEAK can be spoken, decided before any audio: everything knowable up front is a
 * {@link SpeakContent.Rejection} here. What the SPEAK itself says (bad markup, a lexicon never defined) is
 * answered in the response; what needs the voices and prompts (an unknown voice, an impossible mode, a
 * prompt that does not exist) ends it with SPEAK-COMPLETE right after its IN-PROGRESS.
 *
 * <p>Two steps, so the SPEAK is answered between them: {@link #read} is cheap (the body and the headers) and
 * runs on the session's lane, which answers IN-PROGRESS or PENDING right after it; {@link #plan} is the
 * heavy part (SSML, voices, prompt look-ups) and runs on the shared executor with nothing but what
 * {@link #read} took from the session, so a failure it finds ends the SPEAK with SPEAK-COMPLETE instead.
 */
final class SpeakAdmission {

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
    record Reading(SpeakContent.Content content, RequestDefaults defaults, PronunciationLexicon lexicon,
                   RequestContext context, PlanMemo.Entry memo) { }

    private final String sessionId;
    private final String source;
    private final int maxTextChars;
    private final Lexicons lexicons;
    private final SpeakPlanning planning;
    private final int engineSampleRate;
    private final Function<List<Segment>, String> audioKeys;

    /**
     * @param source    the client host engine capacity is shared by (see {@link RequestContext#source})
     * @param audioKeys the frame-tier audio key of a plan ({@link StoredFrames#audioKey})
     */
    SpeakAdmission(String sessionId, String source, int maxTextChars, Lexicons lexicons, SpeakPlanning planning,
                   int engineSampleRate, Function<List<Segment>, String> audioKeys) {
        this.audioKeys = audioKeys;
        this.sessionId = sessionId;
        this.source = source;
        this.maxTextChars = maxTextChars;
        this.lexicons = lexicons;
        this.planning = planning;
        this.engineSampleRate = engineSampleRate;
    }

    /**
     * Step 1, on the session's lane: the document (by Content-Type, SSML read once, with the SPEAK's headers
     * over the session's as its outermost voice and prosody), the lexicons it and the headers name, and what
     * it inherits from the session as it is now (a later SET-PARAMS or DEFINE-LEXICON does not change it).
     */
    Reading read(MrcpRequest speak, SessionParameters.Inherited parameters) throws SpeakContent.Rejection {
        RequestDefaults defaults = parameters.requestDefaults();
        String body = speak.content().text();
        PlanMemo.Key key = PlanMemo.keyOf(speak.headers().get(MrcpHeaderNames.CONTENT_TYPE), body, defaults);
        PlanMemo.Entry memo = key == null ? null : planning.memo().find(key);
        SpeakContent.Content content;
        if (memo != null) {
            content = memo.content; // read before, by this or another session, and speakable
        } else {
            content = SpeakContent.read(speak, maxTextChars, () -> RequestPlanner.baseStyle(defaults));
            memo = key == null ? null : planning.memo().remember(key, content);
        }
        List<String> searchOrder = lexiconUris(parameters.lexiconSearchOrder());
        checkLexicons(searchOrder, "Lexicon-Search-Order");
        checkLexicons(content.document().lexicons(), "SSML <lexicon>");
        PronunciationLexicon lexicon = lexicons.inOrder(searchOrder, content.document().lexicons());
        return new Reading(content, defaults, lexicon, RequestContext.session(sessionId).withSource(source),
                lexicon == PronunciationLexicon.EMPTY ? memo : null);
    }

    /** The plan a SPEAK like this one already made, for this session; null when none is known (or still good). */
    Admitted remembered(Reading reading) {
        return reading.memo() == null ? null : reading.memo().planned(reading.context());
    }

    /**
     * Step 2, anywhere (it reads only the {@link Reading}): the SPEAK's segments, with the session's lexicons
     * applied to its words; every {@code <audio>} must name a registered prompt or hold text to say.
     */
    Admitted plan(Reading reading) throws SpeakContent.Rejection {
        Admitted known = remembered(reading);
        if (known != null) {
            return known;
        }
        try {
            long storeVersion = planning.memo().storeVersion();
            SpeakPlanning.Plan plan = planning.plan(reading.content().document(), reading.defaults(),
                    reading.lexicon(), reading.context());
            String missing = missingPrompt(plan.segments());
            if (missing != null) {
                throw new SynthesisException(SynthesisException.Reason.URI_FAILURE, "no registered prompt named '"
                        + missing + "' and no text inside <audio> to say instead (URLs are never fetched)");
            }
            Admitted admitted = new Admitted(plan.segments(), plan.fallbackReason(), audioKeys.apply(plan.segments()));
            if (reading.memo() != null) {
                reading.memo().remember(admitted, plan.readsStores(), storeVersion);
            }
            return admitted;
        } catch (SynthesisException e) {
            throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, causeOf(e.reason(), true), reasonOf(e));
        }
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
        List<String> uris = new ArrayList<>();
        if (order != null) {
            for (String entry : order.split("[\\s,]+")) {
                String uri = entry.strip();
                if (uri.startsWith("<") && uri.endsWith(">")) {
                    uri = uri.substring(1, uri.length() - 1);
                }
                if (!uri.isEmpty()) {
                    uris.add(uri);
                }
            }
        }
        return uris;
    }

    /** Lexicons may only be this session's; nothing is ever fetched. */
    private void checkLexicons(List<String> uris, String where) throws SpeakContent.Rejection {
        for (String uri : uris) {
            if (!uri.regionMatches(true, 0, Lexicons.SESSION_SCHEME, 0, Lexicons.SESSION_SCHEME.length())) {
                throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.URI_FAILURE,
                        where + " lexicon " + HeaderValues.clip(uri) + " is not fetched: only session: lexicons "
                        + "(defined with DEFINE-LEXICON) are used");
            }
            if (!lexicons.contains(uri.substring(Lexicons.SESSION_SCHEME.length()))) {
                throw new SpeakContent.Rejection(MrcpStatus.METHOD_FAILED, CompletionCause.LEXICON_LOAD_FAILURE,
                        "no lexicon " + HeaderValues.clip(uri) + " was defined in this session");
            }
        }
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
