package io.voxcpm.chain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What an {@link EngineChain} did, counted per utterance (one SPEAK), for metrics and tests. Counters only
 * grow; read them at any time from any thread.
 */
public final class ChainStats {

    private final List<String> engines;
    private final AtomicLongArray served;
    private final AtomicLong failovers = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong exhausted = new AtomicLong();

    ChainStats(List<String> engines) {
        this.engines = List.copyOf(engines);
        this.served = new AtomicLongArray(engines.size());
    }

    /** Utterances whose audio came from each engine (a cache hit counts for the engine it was cached from), in chain order. */
    public Map<String, Long> servedBy() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < engines.size(); i++) {
            m.merge(engines.get(i), served.get(i), Long::sum);
        }
        return m;
    }

    /** Utterances served by the engine at {@code index} of the chain (0: the primary). */
    public long servedBy(int index) {
        return served.get(index);
    }

    /** Utterances spoken by an engine other than the first: each was logged with a WARN line. */
    public long fallbackUtterances() {
        long n = 0;
        for (int i = 1; i < served.length(); i++) {
            n += served.get(i);
        }
        return n;
    }

    /** Syntheses that failed before any audio and were handed to the next engine. */
    public long failovers() {
        return failovers.get();
    }

    /** Requests failed because {@link FallbackVoices#DEFAULT_ONLY} kept a fallback from changing their voice. */
    public long refusals() {
        return refusals.get();
    }

    /** Requests failed because no engine of the chain could take them. */
    public long exhausted() {
        return exhausted.get();
    }

    void countServed(int index) {
        served.incrementAndGet(index);
    }

    void countFailover() {
        failovers.incrementAndGet();
    }

    void countRefusal() {
        refusals.incrementAndGet();
    }

    void countExhausted() {
        exhausted.incrementAndGet();
    }

    @Override
    public String toString() {
        return "served " + servedBy() + ", failovers " + failovers + ", refusals " + refusals + ", exhausted "
                + exhausted;
    }
}
