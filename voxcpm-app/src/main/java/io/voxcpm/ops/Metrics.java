package io.voxcpm.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.voxcpm.bridge.EndpointStatus;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.cache.CacheStats;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.synth.SpeakObserver;
import io.voxcpm.ops.http.HttpReply;
import io.voxcpm.ops.http.Routes;
import io.voxcpm.rtp.RtpStats;
import io.voxcpm.server.EngineLink;
import io.voxcpm.server.ServerStores;
import io.voxcpm.server.SessionObserver;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.sip.InviteOutcome;
import io.voxcpm.sip.SipApplication;
import io.voxcpm.sip.SipTraffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The server's Prometheus metrics ({@code GET /metrics}): Micrometer meters fed by the observers the
 * protocol and engine layers call, and gauges and function counters read from their own counters at
 * scrape time (the RTP pacing loop and the SIP layer only bump plain counters). Names follow Prometheus
 * conventions: {@code voxcpm_mrcp_...}, base units (seconds, bytes), {@code _total} on counters.
 */
public final class Metrics implements SessionObserver, SpeakObserver, SynthesisObserver,
        AutoCloseable {

    static final String PREFIX = "voxcpm.mrcp.";
    /** Latencies a PBX notices: from a few milliseconds (stored prompts) to seconds (a cold model). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final double[] RTF_BUCKETS = {0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer inProgress;
    private final Timer firstPacket;
    private final Counter audioSeconds;
    private final Counter storedFrames;
    private MultiGauge endpointsUp;
    private MultiGauge endpointsInFlight;
    private MultiGauge enginesAvailable;
    private MultiGauge enginesInFlight;
    private VoxcpmMrcpServer server;

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        inProgress = Timer.builder(PREFIX + "speak.in.progress")
                .description("From a SPEAK's arrival to its IN-PROGRESS response written (SPEAKs not queued)")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        firstPacket = Timer.builder(PREFIX + "speak.first.packet")
                .description("From a SPEAK's arrival to its first RTP packet sent")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        audioSeconds = Counter.builder(PREFIX + "speak.audio").baseUnit("seconds")
                .description("Audio sent to callers").register(registry);
        storedFrames = Counter.builder(PREFIX + "speaks.stored.frames")
                .description("SPEAKs played from frames encoded before (no engine, no disk)").register(registry);
        for (CompletionCause cause : CompletionCause.values()) {
            speakCounter(cause.name().toLowerCase(Locale.ROOT)); // every cause shows from the start, at 0
        }
        for (SpeakObserver.Stop stop : SpeakObserver.Stop.values()) {
            speakCounter(stop.label());
        }
    }

    /** Reads the server's own counters at scrape time. Call once, when the server exists. */
    public void bind(VoxcpmMrcpServer server) {
        this.server = server;
        gauge("sessions.active", "Sessions open now", s -> s.sessionCount());
        gauge("mrcp.connections.active", "MRCP connections open now", s -> s.usage().mrcpConnections());
        gauge("sip.dialogs.active", "SIP dialogs open now", s -> s.usage().sipDialogs());
        gauge("rtp.ports.active", "RTP ports in use now", s -> s.usage().rtpPorts());
        gauge("session.tasks.pending", "Queue depth: session tasks waiting on the synthesizer executors",
                VoxcpmMrcpServer::pendingSessionTasks);
        gauge("ready", "1 while new calls are served (the readiness probe's answer)",
                s -> new Health(s).readiness().ready() ? 1 : 0);
        gauge("draining", "1 once a drain (SIGTERM) has begun", s -> s.isDraining() ? 1 : 0);
        rtp("sent", "RTP packets sent", RtpStats::packetsSent);
        rtp("late", "RTP packets sent more than half a ptime after their due time", RtpStats::packetsLate);
        rtp("dropped", "RTP packets dropped because the socket's buffer was full", RtpStats::packetsDropped);
        for (String method : SipTraffic.METHODS) {
            FunctionCounter.builder(PREFIX + "sip.requests", method, m -> SipTraffic.requests().get(m))
                    .description("SIP requests received").tags("method", method).register(registry);
            for (int cls = 1; cls <= 6; cls++) {
                int c = cls;
                FunctionCounter.builder(PREFIX + "sip.responses", method, m -> SipTraffic.responses(m, c))
                        .description("SIP responses sent (first transmissions)")
                        .tags("method", method, "class", cls + "xx").register(registry);
            }
        }
        FunctionCounter.builder(PREFIX + "errors", SipTraffic.class, t -> SipTraffic.unreadableMessages())
                .description("Errors by kind").tags("kind", "sip_unreadable").register(registry);
        cache("hit", CacheStats::hits);
        cache("join", CacheStats::joins);
        cache("miss", CacheStats::misses);
        cache("bypass", CacheStats::bypasses);
        ServerStores stores = server.stores();
        FunctionCounter.builder(PREFIX + "prompt.cache.served", stores, s -> s.cacheStats().map(CacheStats::bytesServed)
                .orElse(0L)).baseUnit("bytes").description("Audio bytes replayed from the prompt cache").register(registry);
        FunctionCounter.builder(PREFIX + "prompt.cache.evictions", stores, s -> s.cacheStats().map(CacheStats::evictions)
                .orElse(0L)).description("Prompt-cache entries evicted to stay under the cap").register(registry);
        Gauge.builder(PREFIX + "prompt.cache.size", stores, s -> s.cacheStats().map(CacheStats::bytes).orElse(0L))
                .baseUnit("bytes").description("Prompt-cache bytes on disk").register(registry);
        Gauge.builder(PREFIX + "prompt.cache.entries", stores, s -> s.cacheStats().map(CacheStats::entries).orElse(0L))
                .description("Prompt-cache entries on disk").register(registry);
        FunctionCounter.builder(PREFIX + "frame.tier.requests", stores,
                s -> s.frameTierStats().map(FrameTier.Stats::hits).orElse(0L)).tags("result", "hit")
                .description("Frame-tier lookups (prompts already encoded for the wire)").register(registry);
        FunctionCounter.builder(PREFIX + "frame.tier.requests", stores,
                s -> s.frameTierStats().map(FrameTier.Stats::misses).orElse(0L)).tags("result", "miss")
                .description("Frame-tier lookups (prompts already encoded for the wire)").register(registry);
        enginesAvailable = MultiGauge.builder(PREFIX + "engine.available")
                .description("1 while the engine takes new syntheses (a chain's fallback counts)").register(registry);
        enginesInFlight = MultiGauge.builder(PREFIX + "synthesis.in.flight")
                .description("Syntheses running now, per engine").register(registry);
        endpointsUp = MultiGauge.builder(PREFIX + "worker.endpoint.up")
                .description("1 while a worker endpoint is healthy and its circuit closed").register(registry);
        endpointsInFlight = MultiGauge.builder(PREFIX + "worker.endpoint.in.flight")
                .description("Syntheses running on a worker endpoint now").register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<VoxcpmMrcpServer> value) {
        Gauge.builder(PREFIX + name, server, value).description(help).register(registry);
    }

    private void rtp(String what, String help, ToDoubleFunction<RtpStats> value) {
        FunctionCounter.builder(PREFIX + "rtp.packets." + what, server, s -> value.applyAsDouble(s.rtpStats()))
                .description(help).register(registry);
    }

    private void cache(String result, ToDoubleFunction<CacheStats> value) {
        FunctionCounter.builder(PREFIX + "prompt.cache.requests", server.stores(),
                        s -> s.cacheStats().map(value::applyAsDouble).orElse(0.0))
                .description("Prompt-cache lookups by result").tags("result", result).register(registry);
    }

    /** Registers {@code GET /metrics}. */
    public void register(Routes routes) {
        routes.add("GET", "/metrics", call -> HttpReply.text(200, "text/plain; version=0.0.4; charset=utf-8", scrape()));
    }

    /** The Prometheus text exposition, with the per-engine and per-endpoint gauges refreshed first. */
    public String scrape() {
        if (server != null) {
            refreshEngines();
        }
        return registry.scrape();
    }

    private void refreshEngines() {
        List<MultiGauge.Row<?>> available = new ArrayList<>();
        List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> endpointLoad = new ArrayList<>();
        for (EngineLink link : server.engineLinks()) {
            Tags engine = Tags.of("engine", link.observed().name());
            available.add(MultiGauge.Row.of(engine, link.observed().availability().takesRequests() ? 1 : 0));
            inFlight.add(MultiGauge.Row.of(engine, link.observed().inFlight()));
            if (link.raw() instanceof WorkerEngine worker) {
                for (EndpointStatus e : worker.endpoints()) {
                    Tags endpoint = Tags.of("endpoint", e.address());
                    up.add(MultiGauge.Row.of(endpoint, e.healthy() && e.circuit() == EndpointStatus.Circuit.CLOSED ? 1 : 0));
                    endpointLoad.add(MultiGauge.Row.of(endpoint, e.inFlight()));
                }
            }
        }
        enginesAvailable.register(available, true);
        enginesInFlight.register(inFlight, true);
        endpointsUp.register(up, true);
        endpointsInFlight.register(endpointLoad, true);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops listening for GC notifications and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    // ------------------------------------------------------------------ observers

    @Override
    public void answered(InviteOutcome outcome) {
        if (outcome instanceof InviteOutcome.Reject r) {
            Counter.builder(PREFIX + "sessions").description("INVITEs that reached the session layer, by outcome")
                    .tags("outcome", "rejected", "status", Integer.toString(r.status())).register(registry).increment();
        } else {
            Counter.builder(PREFIX + "sessions").description("INVITEs that reached the session layer, by outcome")
                    .tags("outcome", "accepted", "status", "200").register(registry).increment();
        }
    }

    @Override
    public void ended(SipApplication.TerminationReason reason) {
        Counter.builder(PREFIX + "sessions.ended").description("Sessions ended, by what ended them")
                .tags("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    @Override
    public void speakEnded(SpeakReport report) {
        speakCounter(report.causeName()).increment();
        if (report.inProgressNanos() >= 0) {
            inProgress.record(Duration.ofNanos(report.inProgressNanos()));
        }
        if (report.firstPacketNanos() >= 0) {
            firstPacket.record(Duration.ofNanos(report.firstPacketNanos()));
        }
        audioSeconds.increment(report.audioSeconds());
        if (report.storedFrames()) {
            storedFrames.increment();
        }
        if (report.cause() != null && report.cause() != CompletionCause.NORMAL
                && report.cause() != CompletionCause.CANCELLED && report.cause() != CompletionCause.BARGE_IN) {
            error("speak_failed");
        }
    }

    private Counter speakCounter(String cause) {
        return Counter.builder(PREFIX + "speaks")
                .description("SPEAKs ended, by completion cause, or what stopped them without one (stopped: STOP, "
                        + "barged_in, connection_lost, session_ended)")
                .tags("cause", cause).register(registry);
    }

    @Override
    public void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache, Outcome outcome,
                      long firstChunkNanos, long elapsedNanos, double audio, SynthesisException failure) {
        String cache = fromCache ? "hit" : "miss";
        Counter.builder(PREFIX + "syntheses").description("Syntheses ended, by engine, outcome and prompt-cache use")
                .tags("engine", engine, "outcome", outcome.name().toLowerCase(Locale.ROOT), "cache", cache)
                .register(registry).increment();
        if (firstChunkNanos >= 0) {
            Timer.builder(PREFIX + "synthesis.first.chunk").description("From a synthesis call to its first audio")
                    .tags("engine", engine, "cache", cache).serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry).record(Duration.ofNanos(firstChunkNanos));
        }
        if (outcome == Outcome.COMPLETED && !fromCache && audio > 0) {
            DistributionSummary.builder(PREFIX + "synthesis.real.time.factor")
                    .description("Synthesis time over audio time, per engine (below 1: faster than real time)")
                    .tags("engine", engine).serviceLevelObjectives(RTF_BUCKETS).register(registry)
                    .record(elapsedNanos / 1e9 / audio);
        }
        if (outcome == Outcome.FAILED) {
            error("synthesis_" + (failure == null ? "failed" : failure.reason().name().toLowerCase(Locale.ROOT)));
        }
    }

    private void error(String kind) {
        Counter.builder(PREFIX + "errors").description("Errors by kind").tags("kind", kind).register(registry)
                .increment();
    }
}
