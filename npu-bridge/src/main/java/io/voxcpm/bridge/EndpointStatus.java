package io.voxcpm.bridge;

/**
 * A snapshot of one worker endpoint, for logs, metrics and tests.
 *
 * @param address             {@code host:port}
 * @param inFlight            syntheses running there now
 * @param healthy             false after a failed call or health check, until a check succeeds
 * @param circuit             the endpoint's circuit-breaker state
 * @param consecutiveFailures failures since the last success
 * @param dispatched          syntheses ever started there
 */
public record EndpointStatus(
        String address, int inFlight, boolean healthy, Circuit circuit, int consecutiveFailures, long dispatched) {

    public enum Circuit { CLOSED, OPEN, HALF_OPEN }
}
