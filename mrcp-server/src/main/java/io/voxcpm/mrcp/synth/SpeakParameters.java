package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.mrcp.message.MrcpHeaderNames;
import io.voxcpm.mrcp.message.MrcpHeaders;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the engine request of a SPEAK. Precedence: SPEAK headers over SET-PARAMS session defaults.
 * FreeSWITCH puts every parameter it does not know as a synthesizer header into
 * Vendor-Specific-Parameters ({@code name=value;name=value}), so those are read too: a
 * {@code voice}/{@code voice-name} there names the voice when no Voice-Name header does.
 */
final class SpeakParameters {

    private SpeakParameters() {
    }

    /** @param serverParameters set by the server itself; a client cannot override them */
    static SynthesisRequest request(String text, MrcpHeaders speak, MrcpHeaders sessionDefaults,
                                    Map<String, String> serverParameters) {
        Map<String, String> vendor = new LinkedHashMap<>(vendorParameters(sessionDefaults));
        vendor.putAll(vendorParameters(speak));

        String voiceName = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_NAME);
        if (voiceName == null) {
            voiceName = vendor.getOrDefault("voice-name", vendor.get("voice"));
        }
        String gender = first(speak, sessionDefaults, MrcpHeaderNames.VOICE_GENDER);
        Integer age = parseAge(first(speak, sessionDefaults, MrcpHeaderNames.VOICE_AGE));
        String language = first(speak, sessionDefaults, MrcpHeaderNames.SPEECH_LANGUAGE);

        Map<String, String> parameters = new LinkedHashMap<>(vendor);
        String rate = first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_RATE);
        if (rate != null) {
            parameters.put("rate", rate);
        }
        String volume = first(speak, sessionDefaults, MrcpHeaderNames.PROSODY_VOLUME);
        if (volume != null) {
            parameters.put("volume", volume);
        }
        parameters.putAll(serverParameters);
        return new SynthesisRequest(text, language,
                new VoiceSpec(blankToNull(voiceName), blankToNull(gender), age, vendor.get("voice-description")),
                parameters);
    }

    /** Whether a barge-in stops this SPEAK (RFC 6787: Kill-On-Barge-In defaults to true). */
    static boolean killOnBargeIn(MrcpHeaders speak, MrcpHeaders sessionDefaults) {
        String value = first(speak, sessionDefaults, MrcpHeaderNames.KILL_ON_BARGE_IN);
        return value == null || !value.strip().equalsIgnoreCase("false");
    }

    static Map<String, String> vendorParameters(MrcpHeaders headers) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String value : headers.getAll(MrcpHeaderNames.VENDOR_SPECIFIC_PARAMETERS)) {
            for (String pair : value.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    String v = pair.substring(eq + 1).strip();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    parameters.put(name, v);
                }
            }
        }
        return parameters;
    }

    private static String first(MrcpHeaders speak, MrcpHeaders defaults, String name) {
        String value = speak.get(name);
        return value != null && !value.isBlank() ? value.strip() : blankToNull(defaults.get(name));
    }

    private static Integer parseAge(String value) {
        if (value == null) {
            return null;
        }
        try {
            int age = Integer.parseInt(value.strip());
            return age > 0 && age < 150 ? age : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
