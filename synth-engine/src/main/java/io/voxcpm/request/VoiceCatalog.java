package io.voxcpm.request;

import java.util.Optional;

/** The registered voices, as the planner sees them. Implementations must be thread-safe. */
@FunctionalInterface
public interface VoiceCatalog {

    /** No registered voices. */
    VoiceCatalog EMPTY = name -> Optional.empty();

    /** The voice registered under {@code name}, if any. */
    Optional<VoiceProfile> find(String name);

    /**
     * A count that grows whenever a voice is added or removed in this process, so what was planned from the
     * catalog can tell it is stale without looking voices up again; 0 for a catalog that never changes.
     */
    default long changes() {
        return 0;
    }
}
