package io.voxcpm.ops.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What the management port lets its clients hold. It faces operators and scrapers, not callers, so the
 * defaults are small: a handful of Prometheus servers, health probes and an admin client.
 *
 * @param maxHeaderBytes  request line plus headers; more gets 431 (a long line 414) and a close
 * @param maxBodyBytes    body of a request to a route that names no limit of its own; more gets 413
 * @param idleTimeout     a connection with no request in flight and no traffic this long is closed
 * @param maxConnections  open connections; a further one is closed as soon as it is accepted
 * @param handlerThreads  threads that run route handlers, so a slow handler (a file upload, a purge) never
 *                        stalls the event loop that serves health probes
 */
public record HttpLimits(int maxHeaderBytes, int maxBodyBytes, Duration idleTimeout, int maxConnections,
                         int handlerThreads) {

    public static final HttpLimits DEFAULTS = new HttpLimits(16 * 1024, 64 * 1024, Duration.ofSeconds(60), 64, 2);

    public HttpLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxHeaderBytes < 1024 || maxBodyBytes < 0 || maxConnections < 1 || handlerThreads < 1) {
            throw new IllegalArgumentException("need maxHeaderBytes >= 1024, maxBodyBytes >= 0, maxConnections >= 1,"
                    + " handlerThreads >= 1");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
    }
}
