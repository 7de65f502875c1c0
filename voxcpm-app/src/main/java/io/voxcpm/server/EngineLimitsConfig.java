package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.bridge.StallTimeouts;
import io.voxcpm.share.FairShare;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code engine.limits:} block: how long the engine may keep a caller waiting.
 *
 * @param firstChunkTimeoutMs a worker stream with no audio this long after the request counts as stalled: it is
 *                            cancelled, counted against its worker (a hung worker's circuit opens) and a fallback
 *                            engine takes over if no audio was heard yet. Includes the model's first-chunk latency
 *                            and any queueing in the worker (default 15000)
 * @param chunkStallTimeoutMs the same between one audio chunk and the next (default 5000; a chunk is ~160 ms)
 * @param slotWaitMs          how long a sentence may wait for engine capacity when every slot is taken, before
 *                            its SPEAK completes 004 saying so (default 3000; 0: fail at once). Freed slots go
 *                            to the waiting source (client host) that runs the fewest syntheses
 * @param maxPerSource        syntheses one source may run at once even with slots free (default 0: no cap, the
 *                            share comes from the order freed slots are handed out)
 */
public record EngineLimitsConfig(@JsonProperty("first-chunk-timeout-ms") Integer firstChunkTimeoutMs,
                                 @JsonProperty("chunk-stall-timeout-ms") Integer chunkStallTimeoutMs,
                                 @JsonProperty("slot-wait-ms") Integer slotWaitMs,
                                 @JsonProperty("max-syntheses-per-source") Integer maxPerSource) {

    public static final EngineLimitsConfig DEFAULTS = new EngineLimitsConfig(null, null, null, null);

    /** The longest wait for a slot: a caller hears silence meanwhile. */
    static final int MAX_SLOT_WAIT_MS = 60_000;

    /** The longest stall timeout: past it the whole-stream deadline (two minutes) ends a stream first. */
    static final int MAX_TIMEOUT_MS = 120_000;
    /** Below this a timeout was surely meant in seconds, and would fail every SPEAK. */
    static final int MIN_TIMEOUT_MS = 100;

    public EngineLimitsConfig {
        firstChunkTimeoutMs = firstChunkTimeoutMs == null
                ? (int) StallTimeouts.DEFAULTS.firstChunk().toMillis() : firstChunkTimeoutMs;
        chunkStallTimeoutMs = chunkStallTimeoutMs == null
                ? (int) StallTimeouts.DEFAULTS.betweenChunks().toMillis() : chunkStallTimeoutMs;
        slotWaitMs = slotWaitMs == null ? (int) FairShare.DEFAULTS.maxWait().toMillis() : slotWaitMs;
        maxPerSource = maxPerSource == null ? FairShare.DEFAULTS.maxPerSource() : maxPerSource;
    }

    void check(List<String> problems) {
        checkTimeout("first-chunk-timeout-ms", firstChunkTimeoutMs, problems);
        checkTimeout("chunk-stall-timeout-ms", chunkStallTimeoutMs, problems);
        if (slotWaitMs < 0 || slotWaitMs > MAX_SLOT_WAIT_MS) {
            problems.add("engine.limits.slot-wait-ms must be 0-" + MAX_SLOT_WAIT_MS + " (milliseconds of silence a "
                    + "caller may hear while every engine slot is taken), got " + slotWaitMs);
        }
        if (maxPerSource < 0) {
            problems.add("engine.limits.max-syntheses-per-source must be 0 (no cap) or more, got " + maxPerSource);
        }
    }

    /** How the engine's capacity is shared among client hosts; call on a validated configuration. */
    public FairShare fairShare() {
        return new FairShare(Duration.ofMillis(slotWaitMs), maxPerSource, FairShare.DEFAULTS.idleRetry());
    }

    private static void checkTimeout(String key, int ms, List<String> problems) {
        if (ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
            problems.add("engine.limits." + key + " must be " + MIN_TIMEOUT_MS + "-" + MAX_TIMEOUT_MS
                    + " (milliseconds), got " + ms + (ms > 0 && ms < MIN_TIMEOUT_MS
                    ? ": that few milliseconds would fail every SPEAK (seconds were meant?)" : ""));
        }
    }

    /** The worker bridge's {@code bridge.*} keys for these settings. */
    Map<String, String> bridgeProperties() {
        return Map.of(StallTimeouts.FIRST_CHUNK, firstChunkTimeoutMs + "ms",
                StallTimeouts.BETWEEN_CHUNKS, chunkStallTimeoutMs + "ms");
    }
}
