package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.request.RequestDefaults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a SPEAK's headers say about the voice and the generation parameters. Precedence: SPEAK headers
 * over SET-PARAMS session values; the planner puts SSML markup above both and the voice's and server's
 * defaults below. FreeSWITCH puts every parameter it does not know as a synthesizer header into
 * Vendor-Specific-Parameters ({@code name=value;name=value}), so those are read too: a
 * {@code voice}/{@code voice-name} there names the voice when no Voice-Name header does, and the rest are
 * generation parameters ({@code cfg_value} or {@code cfg-value}, ...). Values reaching here have passed
 * {@link HeaderValues#check}.
 */
final class SpeakParameters {

    /** Vendor-Specific-Parameters name that turns SPEECH-MARKER events on or off for a session or SPEAK. */
    static final String SPEECH_MARKERS_PARAMETER = "speech-markers";
    /** Generation parameters a dialplan may write with '-' (FreeSWITCH variable style) instead of '_'. */
    private static final Set<String> ENGINE_KEYS = Set.of(SynthesisMode.PARAMETER, GenerationParameters.CFG_VALUE,
            GenerationParameters.INFERENCE_TIMESTEPS, GenerationParameters.SEED, GenerationParameters.MAX_LENGTH);
    /** A vendor parameter some dialplans set the speaking rate with; Prosody-Rate wins when both are set. */
    private static final String RATE_PARAMETER = "rate";
    /** Vendor parameters read elsewhere (markers, voice, rate), so not passed on as generation parameters. */
    private static final List<String> NOT_GENERATION = List.of(SPEECH_MARKERS_PARAMETER, "voice", "voice-name",
            RATE_PARAMETER);
    /**
     * Every vendor parameter some part of the server reads; any other name is dropped on arrival, so a client
     * cannot grow an engine request or split the prompt cache with names nothing reads.
     */
    private static final Set<String> KNOWN = Set.of(SynthesisMode.PARAMETER, GenerationParameters.CFG_VALUE,
            "cfg-value", GenerationParameters.INFERENCE_TIMESTEPS, "inference-timesteps", GenerationParameters.SEED,
            GenerationParameters.MAX_LENGTH, "max-length", RATE_PARAMETER, RequestContext.CACHE_PARAMETER,
            RequestPlanner.VOICE_DESCRIPTION_PARAMETER, SPEECH_MARKERS_PARAMETER, "voice", "voice-name");

    private SpeakParameters() {
    }

    /**
     * The MRCP-level defaults of one SPEAK, as if they wrapped its whole document. Who asks (the session) is
     * not among them: it travels in the engine request's context, where a client cannot write it.
     */
    static RequestDefaults defaults(MrcpHeaders speak, MrcpHeaders sessionDefaults) {
        Map<String, String> vendor = vendor(speak, sessionDefaults);
        String voiceName = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_NAME);
        if (voiceName == null) {
            voiceName = blankToNull(vendor.getOrDefault("voice-name", vendor.get("voice")));
        }
        Map<String, String> parameters = vendor.isEmpty() ? Map.of() : new LinkedHashMap<>();
        if (!vendor.isEmpty()) {
            vendor.forEach((name, value) -> {
                String key = name.replace('-', '_');
                parameters.put(ENGINE_KEYS.contains(key) ? key : name, value);
            });
            for (String notGeneration : NOT_GENERATION) {
                parameters.remove(notGeneration);
            }
        }
        String rate = first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_RATE);
        return new RequestDefaults(voiceName, first(speak, sessionDefaults, MrcpHeaderNames.VOICE_GENDER),
                positive(first(speak, sessionDefaults, MrcpHeaderNames.VOICE_AGE)),
                positive(first(speak, sessionDefaults, MrcpHeaderNames.VOICE_VARIANT)),
                first(speak, sessionDefaults, MrcpHeaderNames.SPEECH_LANGUAGE),
                rate != null ? rate : blankToNull(vendor.get(RATE_PARAMETER)),
                first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_VOLUME),
                parameters);
    }

    /** Voice-Age and Voice-Variant 0 mean "unspecified" to UniMRCP clients. */
    private static Integer positive(String value) {
        if (value == null) {
            return null;
        }
        int n = Integer.parseInt(value);
        return n == 0 ? null : n;
    }

    /** Whether a barge-in stops this SPEAK (RFC 6787 §8.4.2: Kill-On-Barge-In defaults to true). */
    static boolean killOnBargeIn(MrcpHeaders speak, MrcpHeaders sessionDefaults) {
        String value = first(speak, sessionDefaults, MrcpHeaderNames.KILL_ON_BARGE_IN);
        return value == null || !value.equalsIgnoreCase("false");
    }

    /** Whether this SPEAK may send SPEECH-MARKER events: SPEAK's vendor parameter, the session's, the server's. */
    static boolean speechMarkers(MrcpHeaders speak, MrcpHeaders sessionDefaults, boolean serverDefault) {
        String value = vendor(speak, sessionDefaults).get(SPEECH_MARKERS_PARAMETER);
        return value == null ? serverDefault : value.equalsIgnoreCase("true");
    }

    /** The session's vendor parameters overlaid with the SPEAK's, the ones the server reads only. */
    static Map<String, String> vendor(MrcpHeaders speak, MrcpHeaders sessionDefaults) {
        if (!speak.contains(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)
                && !sessionDefaults.contains(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
            return Map.of(); // the common SPEAK: no maps to build on the MRCP loop
        }
        Map<String, String> vendor = new LinkedHashMap<>(HeaderValues.vendorParameters(sessionDefaults));
        vendor.putAll(HeaderValues.vendorParameters(speak));
        return known(vendor);
    }

    /** {@code parameters} without the names no part of the server reads (changed in place, and returned). */
    static Map<String, String> known(Map<String, String> parameters) {
        parameters.keySet().retainAll(KNOWN);
        return parameters;
    }

    private static String first(MrcpHeaders speak, MrcpHeaders defaults, String name) {
        String value = speak.get(name);
        return value != null && !value.isBlank() ? value.strip() : blankToNull(defaults.get(name));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
