package io.voxcpm.net;

import java.time.Duration;
import java.util.Objects;

/**
 * What one TCP listener (SIP or MRCP) lets its clients hold, so that no single source can take connections
 * or server memory from the others.
 *
 * @param maxConnections        open connections in all; a further one is closed as soon as it is accepted
 * @param maxPerAddress         open connections from one client IP
 * @param messageTimeout        once the first byte of a message has arrived, the rest of it (headers and
 *                              body) must follow within this time, else the connection is closed (slowloris)
 * @param maxWriteBacklogBytes  responses queued for a client that does not read; past this the connection
 *                              is closed. Reading stops while the queue is above the high water mark.
 */
public record TcpLimits(int maxConnections, int maxPerAddress, Duration messageTimeout, int maxWriteBacklogBytes) {

    /** Writes queue up to here before reading pauses (Netty's channel water marks). */
    public static final int HIGH_WATER_MARK = 64 * 1024;
    public static final int LOW_WATER_MARK = 32 * 1024;

    public static final TcpLimits DEFAULTS = new TcpLimits(2000, 600, Duration.ofSeconds(10), 1024 * 1024);

    public TcpLimits {
        Objects.requireNonNull(messageTimeout, "messageTimeout");
        if (maxConnections < 1 || maxPerAddress < 1 || maxPerAddress > maxConnections) {
            throw new IllegalArgumentException("need 1 <= maxPerAddress <= maxConnections, got " + maxPerAddress
                    + ", " + maxConnections);
        }
        if (messageTimeout.isNegative() || messageTimeout.isZero()) {
            throw new IllegalArgumentException("message timeout must be positive");
        }
        if (maxWriteBacklogBytes < HIGH_WATER_MARK) {
            throw new IllegalArgumentException("write backlog cap must be at least " + HIGH_WATER_MARK + " bytes");
        }
    }
}
