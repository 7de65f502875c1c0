package io.voxcpm.bridge;

import com.google.common.net.HostAndPort;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VoxCPM2 workers this server may use: routes each synthesis to the least-loaded healthy endpoint
 * under its concurrency limit, keeps a circuit breaker and health state per endpoint, follows a DNS name
 * and pushes registered voices to the workers that lack them.
 *
 * <p>Everything is event-driven: calls run on gRPC's Netty transport, responses on a small shared
 * callback pool, health checks, DNS refresh and breaker timers on one scheduler thread.
 */
final class WorkerPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    private static final String DNS_SCHEME = "dns:";

    /** What a finished call says about its endpoint. */
    enum Outcome { SUCCESS, ENDPOINT_FAILURE, NEUTRAL }

    private final WorkerPoolConfig config;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService callbacks;
    private final WorkerVoices voices;
    /** Built once: every endpoint channel shares it (null: plaintext). */
    private final SslContext ssl;
    /** Guarded by {@code this}; replaced (not mutated) on DNS changes. */
    private List<WorkerEndpoint> endpoints = List.of();
    private boolean closed;

    private WorkerPool(WorkerPoolConfig config) {
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("voxcpm-bridge-timer").setDaemon(true).build());
        this.callbacks = Executors.newFixedThreadPool(config.callbackThreads(),
                new ThreadFactoryBuilder().setNameFormat("voxcpm-bridge-cb-%d").setDaemon(true).build());
        this.voices = new WorkerVoices(config);
        this.ssl = config.security().sslContext();
    }

    /**
     * Opens channels to the configured endpoints and starts health checks. A {@code dns:///} name is
     * resolved once here (failing fast when it does not resolve) and then every {@code dnsRefresh}.
     */
    public static WorkerPool start(WorkerPoolConfig config) {
        WorkerPool pool = new WorkerPool(config);
        String spec = config.endpoints().trim();
        if (spec.startsWith(DNS_SCHEME)) {
            HostAndPort target = HostAndPort.fromString(spec.substring(DNS_SCHEME.length()).replaceFirst("^/*", ""));
            if (!target.hasPort()) {
                throw new IllegalArgumentException("DNS endpoint needs a port: " + spec);
            }
            try {
                pool.resolve(target);
            } catch (UnknownHostException e) {
                pool.close();
                throw new IllegalArgumentException("cannot resolve worker name " + target.getHost(), e);
            }
            long refresh = config.dnsRefresh().toMillis();
            pool.scheduler.scheduleWithFixedDelay(() -> pool.refreshDns(target), refresh, refresh, TimeUnit.MILLISECONDS);
        } else {
            List<WorkerEndpoint> list = new ArrayList<>();
            for (String part : spec.split(",")) {
                HostAndPort hp = HostAndPort.fromString(part.trim());
                if (!hp.hasPort()) {
                    throw new IllegalArgumentException("worker endpoint needs a port: " + part);
                }
                list.add(pool.newEndpoint(hp.toString(),
                        NettyChannelBuilder.forAddress(hp.getHost(), hp.getPort())));
            }
            synchronized (pool) {
                pool.endpoints = List.copyOf(list);
            }
        }
        long interval = config.healthInterval().toMillis();
        pool.scheduler.scheduleWithFixedDelay(pool::checkHealth, interval, interval, TimeUnit.MILLISECONDS);
        log.info("worker pool started with {} endpoint(s): {} ({})", pool.status().size(), spec, config.security());
        if (config.security().token() != null && !config.security().tls()) {
            log.warn("the worker token travels in clear text: set bridge.tls=true unless every worker is on loopback");
        }
        return pool;
    }

    /** A snapshot of every endpoint, in configuration (or resolution) order. */
    public synchronized List<EndpointStatus> status() {
        return endpoints.stream().map(WorkerEndpoint::status).toList();
    }

    WorkerPoolConfig config() {
        return config;
    }

    /** Runs {@code task} on the pool's timer thread after {@code delayNanos}; nothing once the pool is closed. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Reserves a slot on the least-loaded endpoint not in {@code exclude}: healthy ones first, then ones
     * whose health is in doubt but whose circuit is still closed (so a single worker recovers without
     * waiting for a health check). Ties go to the endpoint that was dispatched to least recently.
     */
    synchronized WorkerEndpoint acquire(Set<WorkerEndpoint> exclude) throws SynthesisException {
        if (closed) {
            throw new SynthesisException(Reason.ENGINE_FAILURE, "worker pool is closed");
        }
        WorkerEndpoint best = null;
        boolean anyUp = false;
        for (WorkerEndpoint ep : endpoints) {
            if (exclude.contains(ep) || !ep.circuitClosed()) {
                continue;
            }
            anyUp = true;
            if (ep.inFlight >= config.maxConcurrentPerEndpoint()) {
                continue;
            }
            if (best == null || better(ep, best)) {
                best = ep;
            }
        }
        if (best == null) {
            throw anyUp
                    ? new SynthesisException(Reason.OVERLOADED, "every worker is at its concurrency limit")
                    : new SynthesisException(Reason.ENGINE_FAILURE, "no worker endpoint is available");
        }
        best.inFlight++;
        best.dispatched++;
        best.lastDispatch = System.nanoTime();
        return best;
    }

    private static boolean better(WorkerEndpoint a, WorkerEndpoint b) {
        if (a.healthy != b.healthy) {
            return a.healthy;
        }
        if (a.inFlight != b.inFlight) {
            return a.inFlight < b.inFlight;
        }
        return a.lastDispatch < b.lastDispatch;
    }

    /** Returns the slot taken by {@link #acquire} and records what the call said about the endpoint. */
    void release(WorkerEndpoint ep, Outcome outcome, Status status, String session) {
        synchronized (this) {
            ep.inFlight--;
            switch (outcome) {
                case SUCCESS -> {
                    ep.healthy = true;
                    ep.consecutiveFailures = 0;
                    ep.opens = 0;
                }
                case ENDPOINT_FAILURE -> recordFailure(ep);
                case NEUTRAL -> { }
            }
            if (ep.removed && ep.inFlight == 0) {
                ep.channel.shutdown();
            }
        }
        if (outcome == Outcome.ENDPOINT_FAILURE) {
            log.warn("[{}] worker {} failed: {} {}", session, ep, status.getCode(), status.getDescription());
        }
    }

    /** Caller holds the lock. */
    private void recordFailure(WorkerEndpoint ep) {
        ep.healthy = false;
        ep.consecutiveFailures++;
        if (ep.circuitClosed() && ep.consecutiveFailures >= config.breakerFailureThreshold()) {
            openCircuit(ep);
        }
    }

    /** Caller holds the lock. */
    private void openCircuit(WorkerEndpoint ep) {
        long base = config.breakerInitialBackoff().toMillis();
        long backoff = Math.min(config.breakerMaxBackoff().toMillis(), base << Math.min(ep.opens, 20));
        ep.opens++;
        ep.open = true;
        ep.halfOpen = false;
        log.warn("worker {} circuit open for {} ms after {} consecutive failures", ep, backoff, ep.consecutiveFailures);
        if (!closed) {
            scheduler.schedule(() -> probeHalfOpen(ep), backoff, TimeUnit.MILLISECONDS);
        }
    }

    /** After the backoff one health check decides: SERVING closes the circuit, anything else reopens it. */
    private void probeHalfOpen(WorkerEndpoint ep) {
        synchronized (this) {
            if (ep.removed || closed || !ep.open) {
                return;
            }
            ep.open = false;
            ep.halfOpen = true;
        }
        // Skip gRPC's own reconnect backoff (up to 2 min): ours already spaced the attempts.
        ep.channel.resetConnectBackoff();
        healthCheck(ep, true).whenComplete((serving, err) -> {
            synchronized (this) {
                ep.halfOpen = false;
                if (err == null && serving) {
                    ep.healthy = true;
                    ep.consecutiveFailures = 0;
                    log.info("worker {} circuit closed: health probe succeeded", ep);
                } else {
                    ep.healthy = false;
                    openCircuit(ep);
                }
            }
        });
    }

    private void checkHealth() {
        List<WorkerEndpoint> snapshot;
        synchronized (this) {
            snapshot = endpoints.stream().filter(ep -> ep.circuitClosed() && !ep.probing).toList();
            snapshot.forEach(ep -> ep.probing = true);
        }
        for (WorkerEndpoint ep : snapshot) {
            healthCheck(ep, false).whenComplete((serving, err) -> {
                synchronized (this) {
                    ep.probing = false;
                    if (err != null) {
                        if (ep.circuitClosed()) {
                            recordFailure(ep);
                        }
                    } else if (ep.circuitClosed()) {
                        ep.healthy = serving;
                    }
                }
                if (err != null) {
                    log.debug("health check of {} failed: {}", ep, Status.fromThrowable(err));
                }
            });
        }
    }

    /**
     * Completes with whether the worker reports SERVING; exceptionally when it cannot be reached. A
     * worker without the health service counts as serving: it answered.
     */
    private CompletableFuture<Boolean> healthCheck(WorkerEndpoint ep, boolean waitForReady) {
        Unary<HealthCheckResponse> call = new Unary<>();
        var stub = ep.health.withDeadlineAfter(config.rpcDeadline().toMillis(), TimeUnit.MILLISECONDS);
        (waitForReady ? stub.withWaitForReady() : stub)
                .check(HealthCheckRequest.newBuilder().setService(config.healthService()).build(), call);
        return call.future.handle((resp, err) -> {
            if (err == null) {
                return resp.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
            }
            Status s = Status.fromThrowable(err);
            if (s.getCode() == Status.Code.UNIMPLEMENTED) {
                return true;
            }
            if (s.getCode() == Status.Code.NOT_FOUND) {
                return false;
            }
            throw new IllegalStateException(s.toString(), err);
        });
    }

    /** The worker's id for {@code sample}, pushing the voice there first when needed ({@link WorkerVoices}). */
    CompletableFuture<String> ensureVoice(WorkerEndpoint ep, VoiceSample sample, String session) {
        return voices.ensure(ep, sample, session);
    }

    /** The worker lost a voice we thought it had (it restarted): push again on next use. */
    void forgetVoice(WorkerEndpoint ep, VoiceSample sample) {
        voices.forget(ep, sample);
    }

    /** Deletes a voice from every endpoint; one line per endpoint, or an error naming those that failed. */
    CompletableFuture<List<String>> deleteVoice(VoiceSample sample) {
        List<WorkerEndpoint> all;
        synchronized (this) {
            all = endpoints;
        }
        return voices.delete(all, sample);
    }

    private void refreshDns(HostAndPort target) {
        try {
            resolve(target);
        } catch (UnknownHostException | RuntimeException e) {
            log.warn("re-resolving worker name {} failed, keeping {} endpoint(s): {}",
                    target.getHost(), status().size(), e.toString());
        }
    }

    private void resolve(HostAndPort target) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(target.getHost());
        Map<String, InetSocketAddress> wanted = new LinkedHashMap<>();
        for (InetAddress a : addresses) {
            wanted.put(HostAndPort.fromParts(a.getHostAddress(), target.getPort()).toString(),
                    new InetSocketAddress(a, target.getPort()));
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            List<WorkerEndpoint> next = new ArrayList<>();
            for (WorkerEndpoint ep : endpoints) {
                if (wanted.remove(ep.address) != null) {
                    next.add(ep);
                } else {
                    ep.removed = true;
                    log.info("worker {} no longer in DNS for {}; draining", ep, target.getHost());
                    if (ep.inFlight == 0) {
                        ep.channel.shutdown();
                    }
                }
            }
            wanted.forEach((address, socket) -> {
                next.add(newEndpoint(address, NettyChannelBuilder.forAddress(socket)));
                log.info("worker {} added from DNS name {}", address, target.getHost());
            });
            endpoints = List.copyOf(next);
        }
    }

    private WorkerEndpoint newEndpoint(String address, NettyChannelBuilder builder) {
        Duration keepAlive = config.keepAliveTime();
        ManagedChannel channel = config.security().apply(builder, ssl)
                .executor(callbacks)
                .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .userAgent("voxcpm-bridge")
                .build();
        return new WorkerEndpoint(address, channel, config.security().intercept(channel));
    }

    /** Ends every call in flight (their sinks see ENGINE_FAILURE) and releases threads and channels. */
    @Override
    public void close() {
        List<WorkerEndpoint> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = endpoints;
        }
        scheduler.shutdownNow();
        for (WorkerEndpoint ep : all) {
            ep.channel.shutdownNow();
        }
        for (WorkerEndpoint ep : all) {
            try {
                ep.channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        callbacks.shutdown();
    }
}
