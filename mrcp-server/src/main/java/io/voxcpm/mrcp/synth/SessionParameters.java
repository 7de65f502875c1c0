package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.MrcpHeader;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.request.RequestDefaults;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a session set with SET-PARAMS (RFC 6787 §8.11, §8.12), the server's defaults under it, and the one
 * step by which a SPEAK inherits them: a SPEAK header wins over the session's, which wins over the server's.
 * Confined to the channel's executor.
 */
final class SessionParameters {

    /** Headers SET-PARAMS never stores: they describe the message, not the session. */
    private static final Set<String> NOT_PARAMETERS = Set.of("channel-identifier", "content-length",
            "content-type", "content-id", "active-request-id-list", "completion-cause", "completion-reason");

    private final boolean speechMarkersByDefault;
    private MrcpHeaders values = MrcpHeaders.empty();

    /** @param speechMarkersByDefault whether SPEAKs send SPEECH-MARKER events unless the session says otherwise */
    SessionParameters(boolean speechMarkersByDefault) {
        this.speechMarkersByDefault = speechMarkersByDefault;
    }

    /**
     * SET-PARAMS: stores every parameter header, a Vendor-Specific-Parameters merged name by name into the
     * session's. All or nothing: returns the first header whose value could never be echoed on one line
     * (nothing is stored then), or null.
     */
    MrcpHeader set(MrcpHeaders request) {
        MrcpHeaders.Builder merged = values.toBuilder();
        for (MrcpHeader h : request.entries()) {
            if (NOT_PARAMETERS.contains(h.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!HeaderValues.fitsOneLine(h.name(), h.value())) {
                return h;
            }
            if (h.name().equalsIgnoreCase(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
                merged.set(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, mergeVendor(h.value()));
            } else {
                merged.set(h.name(), h.value().strip());
            }
        }
        values = merged.build();
        return null;
    }

    /** A new Vendor-Specific-Parameters adds to the session's, name by name, as separate SET-PARAMS do. */
    private String mergeVendor(String value) {
        Map<String, String> merged = HeaderValues.vendorParameters(values);
        merged.putAll(HeaderValues.vendorParameters(MrcpHeaders.builder()
                .add(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, value).build()));
        StringBuilder s = new StringBuilder();
        merged.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
        String joined = s.toString();
        return HeaderValues.fitsOneLine(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS, joined) ? joined : value.strip();
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
        RequestDefaults requestDefaults(Map<String, String> serverParameters) {
            return SpeakParameters.defaults(speak, values, serverParameters);
        }

        boolean killOnBargeIn() {
            return SpeakParameters.killOnBargeIn(speak, values);
        }

        boolean speechMarkers() {
            return SpeakParameters.speechMarkers(speak, values, speechMarkersByDefault);
        }
    }
}
