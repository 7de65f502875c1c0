package io.voxcpm.dialplan;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What FreeSWITCH's mod_unimrcp sends for one {@code speak}: the profile's {@code <synthparams>}, the voice
 * as Voice-Name, then the parameters written in front of the text ({@code {Speech-Language=de-DE,...}}).
 * A parameter named like one of the eight synthesizer headers mod_unimrcp emits becomes that header (in any
 * case; {@code voice} means Voice-Name), the other synthesizer headers are dropped as mod_unimrcp drops them,
 * and any other name travels in Vendor-Specific-Parameters.
 */
final class FreeswitchTts {

    /** A UniMRCP client profile as FreeSWITCH configures it (mrcp_profiles/*.xml). */
    record Profile(String name, String ssmlType, Map<String, String> synthParams) { }

    private static final Map<String, String> EMITTED = Map.of("voice-gender", "Voice-Gender", "voice-age", "Voice-Age",
            "voice-variant", "Voice-Variant", "voice-name", "Voice-Name", "kill-on-barge-in", "Kill-On-Barge-In",
            "prosody-volume", "Prosody-Volume", "prosody-rate", "Prosody-Rate", "speech-language", "Speech-Language");
    private static final Set<String> DROPPED = Set.of("jump-size", "speaker-profile", "completion-cause",
            "completion-reason", "speech-marker", "fetch-hint", "audio-fetch-hint", "failed-uri", "failed-uri-cause",
            "speak-restart", "speak-length", "load-lexicon", "lexicon-search-order");

    private final Map<String, Profile> profiles = new HashMap<>();
    private String defaultProfile;

    void addProfile(Profile profile) {
        profiles.put(profile.name(), profile);
    }

    void defaultProfile(String name) {
        defaultProfile = name;
    }

    /**
     * The request of a {@code speak} application's data: {@code engine|voice|text}, {@code voice|text} or
     * {@code text}, the missing parts from the channel's {@code tts_engine} and {@code tts_voice}.
     */
    DialplanSpeak speakData(Path file, int line, String call, String data, String ttsEngine, String ttsVoice) {
        String[] parts = data.split("\\|", 3);
        return switch (parts.length) {
            case 3 -> speak(file, line, call, parts[0], parts[1], parts[2]);
            case 2 -> speak(file, line, call, ttsEngine, parts[0], parts[1]);
            default -> speak(file, line, call, ttsEngine, ttsVoice, data);
        };
    }

    DialplanSpeak speak(Path file, int line, String call, String engine, String voice, String text) {
        if (engine == null || engine.isBlank()) {
            return DialplanSpeak.skip(file, line, call, "no TTS engine known here (set tts_engine=unimrcp:PROFILE first)");
        }
        if (DialplanSpeak.usesVariables(engine + "|" + (voice == null ? "" : voice) + "|" + text)) {
            return DialplanSpeak.skip(file, line, call, "built from variables at call time");
        }
        engine = engine.strip();
        if (!engine.equals("unimrcp") && !engine.startsWith("unimrcp:")) {
            return DialplanSpeak.skip(file, line, call, "engine '" + engine + "' is not unimrcp");
        }
        String profileName = engine.equals("unimrcp") ? defaultProfile : engine.substring("unimrcp:".length());
        if (profileName == null) {
            return DialplanSpeak.skip(file, line, call, "engine 'unimrcp' uses the default-tts-profile, which is not"
                    + " in the files given (add unimrcp.conf.xml)");
        }
        Profile profile = profiles.get(profileName);
        if (profile == null) {
            return DialplanSpeak.skip(file, line, call, "profile '" + profileName + "' is not in the files given"
                    + " (add its mrcp_profiles XML: its <synthparams> become SPEAK headers)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (text.startsWith("{") && text.indexOf('}') > 0) {
            for (String pair : text.substring(1, text.indexOf('}')).split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
            text = text.substring(text.indexOf('}') + 1);
        }
        if (text.isBlank()) {
            return DialplanSpeak.skip(file, line, call, "no text");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DialplanSpeak.CONTENT_TYPE, DialplanSpeak.contentType(text, profile.ssmlType(), false));
        Map<String, String> vendor = new LinkedHashMap<>();
        profile.synthParams().forEach((name, value) -> set(headers, vendor, name, value));
        if (voice != null && !voice.isBlank()) {
            headers.put("Voice-Name", voice.strip());
        }
        params.forEach((name, value) -> set(headers, vendor, name, value));
        if (!vendor.isEmpty()) {
            StringJoiner joined = new StringJoiner(";");
            vendor.forEach((name, value) -> joined.add(name + "=" + value));
            headers.put("Vendor-Specific-Parameters", joined.toString());
        }
        return DialplanSpeak.speak(file, line, call, text, headers);
    }

    private static void set(Map<String, String> headers, Map<String, String> vendor, String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        key = key.equals("voice") ? "voice-name" : key;
        if (EMITTED.containsKey(key)) {
            headers.put(EMITTED.get(key), value);
        } else if (!DROPPED.contains(key)) {
            vendor.put(name, value);
        }
    }
}
