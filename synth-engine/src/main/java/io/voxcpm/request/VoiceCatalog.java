package io.voxcpm.request;

import java.util.Optional;

/** The registered voices, as the planner sees them. Implementations must be thread-safe. */
@FunctionalInterface
public interface VoiceCatalog {

    /** No registered voices. */
    VoiceCatalog EMPTY = name -> Optional.empty();

    /** The voice registered under {@code name}, if any. */
    Optional<VoiceProfile> find(String name);
}
