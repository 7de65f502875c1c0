package io.voxcpm.engine;

/** A running synthesis. */
public interface Synthesis {

    /**
     * Stops producing audio as soon as the engine can (for a remote model: within one chunk).
     * Idempotent. After cancel the sink receives no {@code onComplete}; a chunk already in flight may
     * still arrive, so a consumer that cancels must ignore what follows.
     */
    void cancel();
}
