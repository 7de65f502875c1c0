package io.voxcpm.ssml;

import java.util.Map;
import java.util.Objects;

/**
 * What applies to a run of text: inherited through the document's nesting.
 *
 * @param language   RFC 5646 tag from {@code xml:lang}; null for the request's default
 * @param voice      the voice asked for
 * @param prosody    the effective prosody
 * @param parameters generation parameters set in the markup ({@code vx:cfg} and friends, under the
 *                   engine's keys such as {@code cfg_value}), verbatim and not yet validated
 */
public record Style(String language, VoiceHint voice, Prosody prosody, Map<String, String> parameters) {

    public static final Style DEFAULT = new Style(null, VoiceHint.NONE, Prosody.NORMAL, Map.of());

    public Style {
        voice = Objects.requireNonNull(voice, "voice");
        prosody = Objects.requireNonNull(prosody, "prosody");
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    Style withLanguage(String l) {
        return new Style(l, voice, prosody, parameters);
    }

    Style withVoice(VoiceHint v) {
        return new Style(language, v, prosody, parameters);
    }

    Style withProsody(Prosody p) {
        return new Style(language, voice, p, parameters);
    }

    Style withParameters(Map<String, String> p) {
        return new Style(language, voice, prosody, p);
    }
}
