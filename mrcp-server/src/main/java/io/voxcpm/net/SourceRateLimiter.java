package io.voxcpm.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code ratePerSecond} events a second on average, {@code burst} at once.
 * Not thread-safe: it lives on one event loop (the SIP loop). Buckets that have refilled completely carry no
 * information and are dropped when the table grows, so a flood of spoofed sources costs bounded memory: when
 * even that is not enough, the table is emptied (every source starts again with a full bucket, which only
 * errs towards letting traffic through).
 */
public final class SourceRateLimiter {

    private static final int MAX_SOURCES = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }

    /**
     * @param ratePerSecond sustained events per second per source; 0 or less turns the limit off
     * @param burst         events a source may send at once after being quiet
     * @param nanoClock     monotonic time in nanoseconds ({@code System::nanoTime}, or an event loop's ticker)
     */
    public SourceRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.nanoClock = nanoClock;
    }

    /** Takes one token for {@code source}; false when its bucket is empty (the event is over the limit). */
    public boolean tryAcquire(InetAddress source) {
        if (ratePerNano <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            if (buckets.size() >= MAX_SOURCES) {
                evictFull(now);
            }
            bucket = new Bucket(burst, now);
            buckets.put(source, bucket);
        } else {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) * ratePerNano);
            bucket.updatedNanos = now;
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    /** Seconds until {@code source} has a token again (for Retry-After), at least 1. */
    public int secondsUntilNext(InetAddress source) {
        Bucket bucket = buckets.get(source);
        if (bucket == null || ratePerNano <= 0 || bucket.tokens >= 1) {
            return 1;
        }
        return (int) Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerNano / 1e9));
    }

    int sources() {
        return buckets.size();
    }

    private void evictFull(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.tokens + (now - b.updatedNanos) * ratePerNano >= burst) {
                it.remove();
            }
        }
        if (buckets.size() >= MAX_SOURCES) {
            buckets.clear();
        }
    }
}
