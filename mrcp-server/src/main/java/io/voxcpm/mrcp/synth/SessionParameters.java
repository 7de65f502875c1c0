package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.Availability;
import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.request.RequestDefaults;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a session set with SET-PARAMS (RFC 6787 §8.11, §8.12), the server's defaults under it, and the one
 * step by which a SPEAK inherits them: a SPEAK header wins over the session's, which wins over the server's.
 * Confined to the channel's executor.
 */
final class SessionParameters {

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

    private final boolean speechMarkersByDefault;
    private final Supplier<Availability> engineStatus;
    private final int maxCount;
    private final int maxBytes;
    private MrcpHeaders values = MrcpHeaders.empty();

    /**
     * @param speechMarkersByDefault whether SPEAKs send SPEECH-MARKER events unless the session says otherwise
     * @param engineStatus           what GET-PARAMS reports about the speech path (see {@link EngineStatus})
     * @param maxCount               parameters kept at once, each vendor parameter counted
     * @param maxBytes               total size of their names and values
     */
    SessionParameters(boolean speechMarkersByDefault, Supplier<Availability> engineStatus, int maxCount,
                      int maxBytes) {
        this.speechMarkersByDefault = speechMarkersByDefault;
        this.engineStatus = engineStatus;
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
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
