package io.voxcpm.bridge;

import java.util.Optional;

/**
 * Looks up a registered voice by name. The voice registry implements this; the bridge pushes what it
 * returns to the workers that lack it.
 */
@FunctionalInterface
public interface VoiceSource {

    /** A source that knows no voices: every named voice is reported as unknown. */
    VoiceSource NONE = name -> Optional.empty();

    /** The recording behind {@code name}, or empty when no such voice is registered. Must not block for long. */
    Optional<VoiceSample> find(String name);
}
