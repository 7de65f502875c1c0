package io.voxcpm.voice;

import java.time.Instant;
import java.util.Objects;

/**
 * A voice described in words; VoxCPM2 receives the description as a {@code (description)} prefix.
 */
public record DesignVoice(String name, int version, String description, GenerationDefaults defaults,
                          Instant createdAt, String registeredBy, String checksum) implements Voice {

    public DesignVoice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(registeredBy, "registeredBy");
        Objects.requireNonNull(checksum, "checksum");
    }

    @Override
    public VoiceKind kind() {
        return VoiceKind.DESIGN;
    }
}
