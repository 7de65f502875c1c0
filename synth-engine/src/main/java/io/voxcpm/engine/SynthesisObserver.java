package io.voxcpm.engine;

/**
 * Told how each synthesis of an {@link ObservedEngine} went, for metrics and records. Called on engine
 * threads: it must not block.
 */
public interface SynthesisObserver {

    SynthesisObserver NONE = new SynthesisObserver() { };

    /** How a synthesis ended. */
    enum Outcome { COMPLETED, FAILED, CANCELLED }

    /**
     * A synthesis ended.
     *
     * @param engine          the engine's name
     * @param endpoint        where it ran: the worker endpoint the engine named ({@link AudioSink#servedBy}),
     *                        or the engine's name for an engine that runs in one place or audio from the cache
     * @param request         what was asked (its {@link SynthesisRequest#SESSION_ID} parameter names the session)
     * @param fromCache       the audio was at hand before it started (a prompt-cache hit)
     * @param firstChunkNanos from the call to the first audio chunk; -1 when none came
     * @param elapsedNanos    from the call to its end
     * @param audioSeconds    audio produced
     * @param failure         why it failed ({@link Outcome#FAILED}), else null
     */
    default void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache, Outcome outcome,
                       long firstChunkNanos, long elapsedNanos, double audioSeconds, SynthesisException failure) {
    }
}
