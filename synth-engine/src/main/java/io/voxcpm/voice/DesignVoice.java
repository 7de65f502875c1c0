package io.voxcpm.voice;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A voice described in words. With an {@link Anchor} (rendered once by the model and accepted by the
 * operator) every prompt continues the anchor clip, so the voice is one speaker everywhere; without one
 * ("unanchored") the model receives the description as a {@code (description)} prefix and designs a
 * speaker per prompt, and the embedded engine speaks it with its own voice.
 */
public record DesignVoice(String name, int version, String description, Optional<Anchor> anchor,
                          GenerationDefaults defaults, Instant createdAt, String registeredBy, String checksum)
        implements Voice {

    public DesignVoice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        anchor = anchor == null ? Optional.empty() : anchor;
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(registeredBy, "registeredBy");
        Objects.requireNonNull(checksum, "checksum");
    }

    @Override
    public VoiceKind kind() {
        return VoiceKind.DESIGN;
    }

    public boolean anchored() {
        return anchor.isPresent();
    }
}
