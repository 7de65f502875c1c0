package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the engine request of a SPEAK. Precedence: SSML markup (the root's xml:lang) over SPEAK headers
 * over SET-PARAMS session defaults over server defaults. FreeSWITCH puts every parameter it does not know
 * as a synthesizer header into Vendor-Specific-Parameters ({@code name=value;name=value}), so those are
 * read too: a {@code voice}/{@code voice-name} there names the voice when no Voice-Name header does.
 * Values reaching here have passed {@link HeaderValues#check}.
 */
final class SpeakParameters {

    /** Vendor-Specific-Parameters name that turns SPEECH-MARKER events on or off for a session or SPEAK. */
    static final String SPEECH_MARKERS_PARAMETER = "speech-markers";

    private SpeakParameters() {
    }

    /** @param serverParameters set by the server itself; a client cannot override them */
    static SynthesisRequest request(String text, SsmlFacts ssml, MrcpHeaders speak, MrcpHeaders sessionDefaults,
                                    Map<String, String> serverParameters) {
        Map<String, String> vendor = vendor(speak, sessionDefaults);

        String voiceName = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_NAME);
        if (voiceName == null) {
            voiceName = vendor.getOrDefault("voice-name", vendor.get("voice"));
        }
        String gender = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_GENDER);
        String ageValue = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_AGE);
        Integer age = ageValue == null ? null : Integer.valueOf(ageValue);
        String language = ssml.language() != null ? ssml.language()
                : first(speak, sessionDefaults, MrcpHeaderNames.SPEECH_LANGUAGE);

        Map<String, String> parameters = new LinkedHashMap<>(vendor);
        parameters.remove(SPEECH_MARKERS_PARAMETER);
        String rate = first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_RATE);
        if (rate != null) {
            parameters.put("rate", rate);
        }
        String volume = first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_VOLUME);
        if (volume != null) {
            parameters.put("volume", volume);
        }
        String variant = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_VARIANT);
        if (variant != null) {
            parameters.put("voice-variant", variant);
        }
        parameters.putAll(serverParameters);
        return new SynthesisRequest(text, language,
                new VoiceSpec(blankToNull(voiceName), gender == null ? null : gender.toLowerCase(java.util.Locale.ROOT),
                        age == null || age == 0 ? null : age, vendor.get("voice-description")),
                parameters);
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

    /** The session's vendor parameters overlaid with the SPEAK's. */
    static Map<String, String> vendor(MrcpHeaders speak, MrcpHeaders sessionDefaults) {
        Map<String, String> vendor = new LinkedHashMap<>(HeaderValues.vendorParameters(sessionDefaults));
        vendor.putAll(HeaderValues.vendorParameters(speak));
        return vendor;
    }

    private static String first(MrcpHeaders speak, MrcpHeaders defaults, String name) {
        String value = speak.get(name);
        return value != null && !value.isBlank() ? value.strip() : blankToNull(defaults.get(name));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
