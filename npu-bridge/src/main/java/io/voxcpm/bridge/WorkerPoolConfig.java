package io.voxcpm.bridge;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the bridge reaches its VoxCPM2 gRPC workers.
 *
 * @param endpoints                 {@code host:port,host:port} (static) or {@code dns:///name:port}
 *                                  (every A/AAAA record of name, re-resolved every {@code dnsRefresh})
 * @param maxConcurrentPerEndpoint  syntheses in flight per endpoint before it counts as full
 * @param maxAttempts               endpoints tried per synthesis (retries happen only before the first chunk)
 * @param synthesisDeadline         deadline of one whole Synthesize stream
 * @param rpcDeadline               deadline of unary calls: health, HasVoice, RegisterVoice
 * @param keepAliveTime             HTTP/2 PING interval on a channel with calls in flight; the worker must
 *                                  permit it (grpc-python: {@code grpc.http2.min_ping_interval_without_data_ms})
 * @param keepAliveTimeout          how long a PING may go unanswered before the transport is declared dead
 * @param healthInterval            period of {@code grpc.health.v1.Health/Check} on every endpoint
 * @param healthService             service name passed to Health/Check ({@code ""}: the whole server)
 * @param dnsRefresh                re-resolution period for a {@code dns:///} endpoint list
 * @param breakerFailureThreshold   consecutive failures that open an endpoint's circuit
 * @param breakerInitialBackoff     first open period; doubles on each failed half-open probe
 * @param breakerMaxBackoff         cap of the open period
 * @param callbackThreads           threads shared by all calls to deliver responses to sinks
 * @param security                  token and TLS towards the workers ({@link WorkerSecurity})
 */
public record WorkerPoolConfig(
        String endpoints,
        int maxConcurrentPerEndpoint,
        int maxAttempts,
        Duration synthesisDeadline,
        Duration rpcDeadline,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration healthInterval,
        String healthService,
        Duration dnsRefresh,
        int breakerFailureThreshold,
        Duration breakerInitialBackoff,
        Duration breakerMaxBackoff,
        int callbackThreads,
        WorkerSecurity security) {

    public static final String ENDPOINTS = "bridge.endpoints";
    public static final String MAX_CONCURRENT = "bridge.max-concurrent-per-endpoint";
    public static final String MAX_ATTEMPTS = "bridge.max-attempts";
    public static final String SYNTHESIS_DEADLINE = "bridge.synthesis-deadline";
    public static final String RPC_DEADLINE = "bridge.rpc-deadline";
    public static final String KEEPALIVE_TIME = "bridge.keepalive-time";
    public static final String KEEPALIVE_TIMEOUT = "bridge.keepalive-timeout";
    public static final String HEALTH_INTERVAL = "bridge.health-interval";
    public static final String HEALTH_SERVICE = "bridge.health-service";
    public static final String DNS_REFRESH = "bridge.dns-refresh";
    public static final String BREAKER_THRESHOLD = "bridge.breaker.failure-threshold";
    public static final String BREAKER_INITIAL_BACKOFF = "bridge.breaker.initial-backoff";
    public static final String BREAKER_MAX_BACKOFF = "bridge.breaker.max-backoff";
    public static final String CALLBACK_THREADS = "bridge.callback-threads";

    public WorkerPoolConfig {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isBlank()) {
            throw new IllegalArgumentException(ENDPOINTS + " is empty");
        }
        healthService = healthService == null ? "" : healthService;
        security = security == null ? WorkerSecurity.NONE : security;
    }

    /** Without token or TLS (loopback workers). */
    public WorkerPoolConfig(String endpoints, int maxConcurrentPerEndpoint, int maxAttempts, Duration synthesisDeadline,
                            Duration rpcDeadline, Duration keepAliveTime, Duration keepAliveTimeout,
                            Duration healthInterval, String healthService, Duration dnsRefresh,
                            int breakerFailureThreshold, Duration breakerInitialBackoff, Duration breakerMaxBackoff,
                            int callbackThreads) {
        this(endpoints, maxConcurrentPerEndpoint, maxAttempts, synthesisDeadline, rpcDeadline, keepAliveTime,
                keepAliveTimeout, healthInterval, healthService, dnsRefresh, breakerFailureThreshold,
                breakerInitialBackoff, breakerMaxBackoff, callbackThreads, WorkerSecurity.NONE);
    }

    /**
     * Reads the {@code bridge.*} keys above and {@link WorkerSecurity}'s; every key but {@value #ENDPOINTS}
     * has a default. The worker token may come from the process environment.
     */
    public static WorkerPoolConfig fromProperties(Map<String, String> props) {
        return fromProperties(props, System::getenv);
    }

    /** As {@link #fromProperties(Map)}, with the environment given (tests). */
    public static WorkerPoolConfig fromProperties(Map<String, String> props, Function<String, String> env) {
        ConfigValues c = new ConfigValues(props);
        String endpoints = c.string(ENDPOINTS, null);
        if (endpoints == null) {
            throw new IllegalArgumentException(ENDPOINTS + " is required (host:port,... or dns:///name:port)");
        }
        return new WorkerPoolConfig(
                endpoints,
                c.positiveInt(MAX_CONCURRENT, 2),
                c.positiveInt(MAX_ATTEMPTS, 3),
                c.duration(SYNTHESIS_DEADLINE, Duration.ofSeconds(120)),
                c.duration(RPC_DEADLINE, Duration.ofSeconds(10)),
                c.duration(KEEPALIVE_TIME, Duration.ofSeconds(10)),
                c.duration(KEEPALIVE_TIMEOUT, Duration.ofSeconds(2)),
                c.duration(HEALTH_INTERVAL, Duration.ofSeconds(2)),
                c.string(HEALTH_SERVICE, ""),
                c.duration(DNS_REFRESH, Duration.ofSeconds(10)),
                c.positiveInt(BREAKER_THRESHOLD, 3),
                c.duration(BREAKER_INITIAL_BACKOFF, Duration.ofSeconds(1)),
                c.duration(BREAKER_MAX_BACKOFF, Duration.ofSeconds(30)),
                c.positiveInt(CALLBACK_THREADS, 2),
                WorkerSecurity.fromProperties(props, env));
    }
}
