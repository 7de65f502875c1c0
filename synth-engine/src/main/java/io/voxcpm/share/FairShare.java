package io.voxcpm.share;

import java.time.Duration;
import java.util.Objects;

/**
 * How an engine's capacity is shared among the sources that ask for it.
 *
 * @param maxWait      how long a synthesis may wait for a slot before it fails with {@code OVERLOADED} naming
 *                     the wait (the SPEAK then completes 004 with that reason)
 * @param maxPerSource syntheses one source may run at once, even with slots free (0: no cap; the share then
 *                     comes from the order in which freed slots are handed out alone)
 * @param idleRetry    when the engine is full but none of the syntheses holding it are ours (a pre-warm job,
 *                     another server on the same workers), how often a waiting synthesis tries again
 */
public record FairShare(Duration maxWait, int maxPerSource, Duration idleRetry) {

    public static final FairShare DEFAULTS = new FairShare(Duration.ofSeconds(3), 0, Duration.ofMillis(200));

    public FairShare {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(idleRetry, "idleRetry");
        if (maxWait.isNegative() || idleRetry.isNegative() || idleRetry.isZero() || maxPerSource < 0) {
            throw new IllegalArgumentException("need maxWait >= 0, idleRetry > 0 and maxPerSource >= 0, got "
                    + maxWait + ", " + idleRetry + ", " + maxPerSource);
        }
    }
}
