package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.ssml.PronunciationLexicon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a session set with SET-PARAMS (RFC 6787 §8.11, §8.12), the server's defaults under it, the lexicons it
 * defined with DEFINE-LEXICON (§8.14), and the one step by which a SPEAK inherits them: a SPEAK header wins
 * over the session's, which wins over the server's, and every SPEAK applies all the session's lexicons.
 * Confined to the channel's executor.
 *
 * <p><b>Lexicons</b> are kept by Content-Id, read into {@link PronunciationLexicon}s when defined, and searched
 * in this order: those {@code Lexicon-Search-Order} names ({@code session:<content-id>}), then those the
 * SSML's {@code <lexicon uri="session:...">} elements name, then the rest in the order they were defined.
 */
final class SessionParameters {

    private static final String PLS = "application/pls+xml";
    static final String SESSION_SCHEME = "session:";

    /**
     * What SET-PARAMS stores (RFC 6787 §8.4 synthesizer headers and the generic headers §6.2 lets SET-PARAMS
     * set); anything else in a SET-PARAMS is ignored, so a session holds no header it will never use.
     */
    private static final Set<String> PARAMETERS = Set.of(MrcpHeaderNames.JUMP_SIZE, MrcpHeaderNames.KILL_ON_BARGE_IN,
                    MrcpHeaderNames.SPEAKER_PROFILE, MrcpHeaderNames.VOICE_GENDER, MrcpHeaderNames.VOICE_AGE,
                    MrcpHeaderNames.VOICE_VARIANT, MrcpHeaderNames.VOICE_NAME, MrcpHeaderNames.PROSODY_VOLUME,
                    MrcpHeaderNames.PROSODY_RATE, MrcpHeaderNames.SPEECH_LANGUAGE, MrcpHeaderNames.FETCH_HINT,
                    MrcpHeaderNames.AUDIO_FETCH_HINT, MrcpHeaderNames.SPEAK_LENGTH, MrcpHeaderNames.LOAD_LEXICON,
                    MrcpHeaderNames.LEXICON_SEARCH_ORDER, MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS,
                    MrcpHeaderNames.LOGGING_TAG, MrcpHeaderNames.FETCH_TIMEOUT, MrcpHeaderNames.CONTENT_BASE,
                    MrcpHeaderNames.SET_COOKIE, MrcpHeaderNames.CACHE_CONTROL, MrcpHeaderNames.ACCEPT_CHARSET)
            .stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Why a SET-PARAMS stored nothing: the MRCP status and what to log. */
    record Refusal(int status, String why) { }

    /** A lexicon that cannot be defined; the channel answers 407 with Completion-Cause 006. */
    static final class LexiconLoadFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LexiconLoadFailure(String message) {
            super(message);
        }
    }

    private final boolean speechMarkersByDefault;
    private final Supplier<Availability> engineStatus;
    private final int maxCount;
    private final int maxBytes;
    private final int maxLexicons;
    private MrcpHeaders values = MrcpHeaders.empty();
    private final Map<String, PronunciationLexicon> lexicons = new LinkedHashMap<>();

    /**
     * @param speechMarkersByDefault whether SPEAKs send SPEECH-MARKER events unless the session says otherwise
     * @param engineStatus           what GET-PARAMS reports about the speech path (see {@link EngineStatus})
     * @param maxCount               parameters kept at once, each vendor parameter counted
     * @param maxBytes               total size of their names and values
     * @param maxLexicons            lexicons defined at once
     */
    SessionParameters(boolean speechMarkersByDefault, Supplier<Availability> engineStatus, int maxCount,
                      int maxBytes, int maxLexicons) {
        this.speechMarkersByDefault = speechMarkersByDefault;
        this.engineStatus = engineStatus;
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.maxLexicons = maxLexicons;
    }

    /**
     * SET-PARAMS: stores every synthesizer parameter, a Vendor-Specific-Parameters merged name by name into
     * the session's (only the names the server reads). All or nothing: a value that could never be echoed on
     * one line (404), or a session over its parameter caps (407), stores nothing.
     */
    Refusal set(MrcpHeaders request) {
        MrcpHeaders.Builder merged = values.toBuilder();
        for (MrcpHeader h : request.entries()) {
            if (!PARAMETERS.contains(h.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!HeaderValues.fitsOneLine(h.name(), h.value())) {
                return new Refusal(MrcpStatus.ILLEGAL_HEADER_VALUE, h.name() + " value of " + h.value().length()
                        + " chars is too long to ever echo");
            }
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
                String joined = mergeVendor(merged.build(), h.value());
                if (!HeaderValues.fitsOneLine(h.name(), joined)) {
                    return new Refusal(MrcpStatus.ILLEGAL_HEADER_VALUE, "the session's vendor parameters would be "
                            + joined.length() + " chars, too long to ever echo");
                }
                merged.set(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, joined);
            } else {
                merged.set(h.name(), h.value().strip());
            }
        }
        MrcpHeaders next = merged.build();
        int count = 0;
        int bytes = 0;
        for (MrcpHeader h : next.entries()) {
            boolean vendor = h.name().equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS);
            count += vendor ? HeaderValues.vendorParameters(MrcpHeaders.builder().add(h.name(), h.value()).build())
                    .size() : 1;
            bytes += h.name().length() + h.value().length();
        }
        if (count > maxCount || bytes > maxBytes) {
            return new Refusal(MrcpStatus.METHOD_FAILED, "the session would hold " + count + " parameters in " + bytes
                    + " bytes, over its caps of " + maxCount + " and " + maxBytes + " (limits.set-params-max-*)");
        }
        values = next;
        return null;
    }

    /**
     * A new Vendor-Specific-Parameters adds to the session's, name by name, as separate SET-PARAMS do; names
     * no part of the server reads are dropped, so they never reach an engine request or a cache key.
     */
    private static String mergeVendor(MrcpHeaders current, String value) {
        Map<String, String> merged = HeaderValues.vendorParameters(current);
        merged.putAll(SpeakParameters.known(HeaderValues.vendorParameters(MrcpHeaders.builder()
                .add(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, value).build())));
        StringBuilder s = new StringBuilder();
        merged.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return s.toString();
    }

    /**
     * GET-PARAMS: the asked-for headers with their session values, or the server's default where the session
     * set none (RFC 6787 §8.12); with nothing asked, every session value.
     */
    MrcpHeaders get(MrcpHeaders request) {
        MrcpHeaders.Builder answer = MrcpHeaders.builder();
        boolean askedForSome = false;
        for (MrcpHeader h : request.entries()) {
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.CHANNEL_IDENTIFIER)) {
                continue;
            }
            askedForSome = true;
            String value = values.get(h.name());
            if (value == null) {
                value = serverDefault(h.name());
            }
            if (EngineStatus.isVendorParameters(h.name())) {
                value = EngineStatus.appendTo(value, engineStatus.get()); // read-only: see EngineStatus
            }
            if (value != null) {
                answer.add(h.name(), value);
            }
        }
        if (!askedForSome) {
            answer.addAll(values);
        }
        return answer.build();
    }

    private String serverDefault(String name) {
        if (name.equalsIgnoreCase(MrcpHeaderNames.KILL_ON_BARGE_IN)) {
            return "true";
        }
        if (name.equalsIgnoreCase(MrcpHeaderNames.PROSODY_RATE) || name.equalsIgnoreCase(MrcpHeaderNames.PROSODY_VOLUME)) {
            return "default";
        }
        if (name.equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
            return SpeakParameters.SPEECH_MARKERS_PARAMETER + "=" + speechMarkersByDefault;
        }
        return null;
    }

    /** DEFINE-LEXICON: reads the PLS body and keeps it under {@code contentId}, replacing one defined before. */
    PronunciationLexicon defineLexicon(String contentId, String contentType, String body)
            throws LexiconLoadFailure {
        String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(PLS)) {
            throw new LexiconLoadFailure("lexicon Content-Type '" + type + "' is not " + PLS);
        }
        if (body.isBlank()) {
            throw new LexiconLoadFailure("lexicon '" + contentId + "' has an empty body");
        }
        PronunciationLexicon pls;
        try {
            pls = PronunciationLexicon.parse(body);
        } catch (SynthesisException e) {
            throw new LexiconLoadFailure("lexicon '" + contentId + "' is not a PLS document: " + e.getMessage());
        }
        if (!lexicons.containsKey(contentId) && lexicons.size() >= maxLexicons) {
            throw new LexiconLoadFailure("session already holds " + maxLexicons + " lexicons");
        }
        lexicons.put(contentId, pls);
        return pls;
    }

    /** DEFINE-LEXICON with {@code Load-Lexicon: false}; whether there was such a lexicon. */
    boolean unloadLexicon(String contentId) {
        return lexicons.remove(contentId) != null;
    }

    int lexiconCount() {
        return lexicons.size();
    }

    /** A SPEAK's view of the parameters: its own headers over the session's over the server's. */
    Inherited inherit(MrcpHeaders speak) {
        return new Inherited(speak);
    }

    /** The inheritance step into one SPEAK; each value is read when asked for, in admission order. */
    final class Inherited {
        private final MrcpHeaders speak;

        private Inherited(MrcpHeaders speak) {
            this.speak = speak;
        }

        /** Lexicon-Search-Order, or null. */
        String lexiconSearchOrder() {
            String order = speak.get(MrcpHeaderNames.LEXICON_SEARCH_ORDER);
            return order != null ? order : values.get(MrcpHeaderNames.LEXICON_SEARCH_ORDER);
        }

        /** Whether the session has defined the lexicon {@code contentId}. */
        boolean hasLexicon(String contentId) {
            return lexicons.containsKey(contentId);
        }

        /**
         * The session's lexicons as one, in search order (see the class comment). {@code searchOrder} and
         * {@code documentUris} must already be checked to name defined {@code session:} lexicons.
         */
        PronunciationLexicon lexicon(List<String> searchOrder, List<String> documentUris) {
            if (lexicons.isEmpty()) {
                return PronunciationLexicon.EMPTY;
            }
            Set<String> ids = new LinkedHashSet<>();
            List<String> named = new ArrayList<>(searchOrder);
            named.addAll(documentUris);
            for (String uri : named) {
                ids.add(uri.substring(SESSION_SCHEME.length()));
            }
            ids.addAll(lexicons.keySet());
            PronunciationLexicon all = PronunciationLexicon.EMPTY;
            for (String id : ids) {
                PronunciationLexicon l = lexicons.get(id);
                all = l == null ? all : all.then(l);
            }
            return all;
        }

        /** Voice, prosody and generation parameters as the outermost defaults of the SPEAK's document. */
        RequestDefaults requestDefaults() {
            return SpeakParameters.defaults(speak, values);
        }

        boolean killOnBargeIn() {
            return SpeakParameters.killOnBargeIn(speak, values);
        }

        boolean speechMarkers() {
            return SpeakParameters.speechMarkers(speak, values, speechMarkersByDefault);
        }
    }
}
