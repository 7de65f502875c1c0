package io.voxcpm.engine;

import java.util.Map;
import java.util.Objects;

/**
 * One utterance to synthesise.
 *
 * @param text       the words to speak, free of markup
 * @param language   an RFC 5646 tag such as {@code en-US}, or null for the engine's default
 * @param voice      the requested voice
 * @param parameters engine-specific generation parameters (e.g. {@code cfg_value}), never null
 */
public record SynthesisRequest(String text, String language, VoiceSpec voice, Map<String, String> parameters) {

    public SynthesisRequest {
        Objects.requireNonNull(text, "text");
        voice = voice == null ? VoiceSpec.DEFAULT : voice;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public static SynthesisRequest of(String text) {
        return new SynthesisRequest(text, null, VoiceSpec.DEFAULT, Map.of());
    }
}
