package io.voxcpm.voice;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A voice cloned from a reference recording. With an exact transcript it can be used in VoxCPM2's
 * "ultimate clone" mode (the model continues the recording), which takes no style description; without
 * one it is a controllable clone whose optional style is sent as a {@code (style)} prefix.
 *
 * @param reference the recording, 16 kHz mono 16-bit, checked against its SHA-256 when loaded
 * @param consent   who consented to this voice being cloned, and how (free text)
 */
public record CloneVoice(String name, int version, Recording reference, Optional<String> transcript,
                         Optional<String> style, String consent, GenerationDefaults defaults,
                         Instant createdAt, String registeredBy, String checksum) implements Voice {

    public CloneVoice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reference, "reference");
        transcript = transcript == null ? Optional.empty() : transcript;
        style = style == null ? Optional.empty() : style;
        if (transcript.isPresent() && style.isPresent()) {
            throw new IllegalArgumentException("an ultimate clone takes no style description");
        }
        Objects.requireNonNull(consent, "consent");
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(registeredBy, "registeredBy");
        Objects.requireNonNull(checksum, "checksum");
    }

    @Override
    public VoiceKind kind() {
        return VoiceKind.CLONE;
    }

    /** True when a transcript makes "ultimate clone" (prompt continuation) possible. */
    public boolean ultimate() {
        return transcript.isPresent();
    }

    /**
     * SHA-256 over what a model worker builds its prompt cache from (the reference audio and the
     * transcript): two voices with the same recording and transcript share one worker-side cache entry.
     */
    public String promptHash() {
        return Hashing.sha256(reference.sha256() + "\n" + transcript.orElse(""));
    }
}
