package io.voxcpm.cache;

/**
 * A snapshot of the cache's counters since it was opened, and its size now.
 *
 * @param hits        requests served from disk without touching the engine
 * @param joins       requests that attached to a synthesis already running for the same key
 * @param misses      requests that started a synthesis
 * @param bypasses    requests that asked to skip the cache
 * @param stores      entries written
 * @param evictions   entries removed to stay under the size cap
 * @param discarded   entries found corrupt or truncated on read, deleted and treated as misses
 * @param bytesServed audio bytes replayed from disk
 * @param entries     entries on disk now
 * @param bytes       bytes on disk now
 * @param maxBytes    the size cap
 */
public record CacheStats(long hits, long joins, long misses, long bypasses, long stores, long evictions,
        long discarded, long bytesServed, long entries, long bytes, long maxBytes) {

    /** Share of cacheable requests that did not start a synthesis; 0 when there were none. */
    public double hitRatio() {
        long served = hits + joins;
        long total = served + misses;
        return total == 0 ? 0 : served / (double) total;
    }
}
