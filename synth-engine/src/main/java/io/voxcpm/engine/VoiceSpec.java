package io.voxcpm.engine;

import java.util.Optional;

/**
 * What the client asked the voice to be. Every part is optional; an engine uses what it understands.
 *
 * @param name        a voice name (a registered voice, or an engine voice)
 * @param gender      {@code male}, {@code female} or {@code neutral}
 * @param age         age in years
 * @param description a voice described in words, for engines that design voices
 */
public record VoiceSpec(String name, String gender, Integer age, String description) {

    public static final VoiceSpec DEFAULT = new VoiceSpec(null, null, null, null);

    public Optional<String> nameIfSet() {
        return Optional.ofNullable(name).filter(n -> !n.isBlank());
    }
}
