package io.voxcpm.bridge;

import java.time.Duration;

/**
 * How long a Synthesize stream may go without audio before the worker counts as hung: a caller hears
 * dead air for as long as a stream is silent, and the whole-stream deadline (two minutes) is far too long
 * for that. A stalled stream is cancelled, counted as a failure of its endpoint (so a hung worker's circuit
 * opens) and ends the synthesis with {@link io.voxcpm.engine.SynthesisException.Reason#ENGINE_FAILURE}
 * naming the stall; a fallback engine, when configured, takes over if no audio was heard yet.
 *
 * @param firstChunk from the start of the stream to its first audio chunk (includes the model's first-chunk
 *                   latency and any queueing in the worker)
 * @param betweenChunks from one audio chunk to the next
 */
public record StallTimeouts(Duration firstChunk, Duration betweenChunks) {

    public static final String FIRST_CHUNK = "bridge.first-chunk-timeout";
    public static final String BETWEEN_CHUNKS = "bridge.chunk-stall-timeout";

    /** 15 s to the first chunk (a cold worker, a long queue), 5 s between chunks (each is ~160 ms of audio). */
    public static final StallTimeouts DEFAULTS = new StallTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(5));

    public StallTimeouts {
        if (firstChunk.isNegative() || firstChunk.isZero() || betweenChunks.isNegative() || betweenChunks.isZero()) {
            throw new IllegalArgumentException(FIRST_CHUNK + " and " + BETWEEN_CHUNKS + " must be positive");
        }
    }

    static StallTimeouts fromProperties(ConfigValues c) {
        return new StallTimeouts(c.duration(FIRST_CHUNK, DEFAULTS.firstChunk()),
                c.duration(BETWEEN_CHUNKS, DEFAULTS.betweenChunks()));
    }
}
