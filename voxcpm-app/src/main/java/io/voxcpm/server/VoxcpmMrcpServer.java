package io.voxcpm.server;

import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.voxcpm.admin.StartupProblems;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.audio.LevelMatching;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.cache.CacheStats;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.ObservedEngine;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.mrcp.synth.SpeakObserver;
import io.voxcpm.rtp.RtpStats;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.share.FairShareEngine;
import io.voxcpm.share.SlotTimer;
import io.voxcpm.prompt.PromptStore;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.session.MediaDestinations;
import io.voxcpm.session.SessionManager;
import io.voxcpm.voice.VoiceRegistry;
import io.voxcpm.sip.SipConfig;
import io.voxcpm.sip.SipServer;
import io.voxcpm.sip.SipTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: SIP, MRCP and RTP listeners around one speech engine. It listens first and loads
 * the engine after: until the engine is ready, new INVITEs get 503 with Retry-After (a PBX tries again or
 * fails over), so a restart never leaves a caller without an answer.
 */
public final class VoxcpmMrcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VoxcpmMrcpServer.class);

    /** Makes the speech engine; runs on a thread of its own while the listeners already answer. */
    @FunctionalInterface
    public interface EngineLoader {
        SpeechEngine load() throws StartupException;
    }

    /** Told how each INVITE that reached the session layer was answered, and how each session ended. */
    public interface SessionObserver {
        SessionObserver NONE = new SessionObserver() { };

        default void answered(io.voxcpm.sip.InviteOutcome outcome) {
        }

        default void ended(io.voxcpm.sip.SipApplication.TerminationReason reason) {
        }
    }

    /** What the server tells the operations side (metrics, synthesis records) as calls go. */
    public record Observers(SessionObserver sessions, SpeakObserver speaks, SynthesisObserver syntheses) {
        public static final Observers NONE = new Observers(null, null, null);

        public Observers {
            sessions = sessions == null ? SessionObserver.NONE : sessions;
            speaks = speaks == null ? SpeakObserver.NONE : speaks;
            syntheses = syntheses == null ? SynthesisObserver.NONE : syntheses;
        }
    }

    private final ServerConfig config;
    private final Observers observers;
    /** SPEAKs playing now, over all sessions (started and not yet ended), for a drain to wait on. */
    private final SpeakObserver speaks;
    private final long startedNanos = System.nanoTime();
    private final SessionGate gate;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final MrcpChannelRegistry registry;
    private final RtpPortAllocator ports;
    private SipServer sip;
    private MrcpServer mrcp;
    /** MRCPv2 over TLS (security.tls), or null. */
    private MrcpServer mrcpTls;
    private RtpMedia media;
    private MediaClock clock;
    private final List<EngineLink> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private EventExecutorGroup synthExecutors;
    private volatile SessionManager sessions;
    private volatile SpeechEngine engine;
    private volatile FrameTier frames;
    private volatile boolean closed;
    // what the admin API administers: set when known, null when the server runs without them
    private volatile VoiceRegistry voiceRegistry;
    private volatile Supplier<PromptCache> promptCache = () -> null;
    private volatile VoiceCatalog catalog = VoiceCatalog.EMPTY;

    private VoxcpmMrcpServer(ServerConfig config, Observers observers, MrcpChannelRegistry registry,
                             RtpPortAllocator ports) {
        this.config = config;
        this.observers = observers;
        this.gate = new SessionGate(observers.sessions());
        SpeakObserver outer = observers.speaks();
        this.speaks = new SpeakObserver() {
            @Override
            public void speakStarted() {
                outer.speakStarted();
            }

            @Override
            public void speakEnded(SpeakReport report) {
                outer.speakEnded(report);
            }
        };
        this.registry = registry;
        this.ports = ports;
    }

    /** Starts with the engine the configuration names, behind the prompt cache when it is enabled; returns when ready. */
    public static VoxcpmMrcpServer start(ServerConfig config) throws StartupException {
        VoxcpmMrcpServer server = listen(config);
        server.awaitReady();
        return server;
    }

    /**
     * Listens at once and loads the configured engine in the background; {@link #ready()} completes when
     * INVITEs are served (or fails with the {@link StartupException} that stopped the engine).
     */
    public static VoxcpmMrcpServer listen(ServerConfig config) throws StartupException {
        return listen(config, Observers.NONE);
    }

    /** As {@link #listen(ServerConfig)}, telling {@code observers} what happens (metrics, records). */
    public static VoxcpmMrcpServer listen(ServerConfig config, Observers observers) throws StartupException {
        RegisteredVoices voices;
        try {
            voices = RegisteredVoices.open(Path.of(config.voices().dir()));
        } catch (IOException e) {
            throw new StartupException("voice registry " + config.voices().dir() + ": " + e.getMessage()
                    + " (set voices.dir to a writable directory)", e);
        }
        // the loader runs on its own thread, possibly before listen() has returned the server it fills in
        CompletableFuture<VoxcpmMrcpServer> made = new CompletableFuture<>();
        AtomicReference<PromptCache> opened = new AtomicReference<>();
        VoxcpmMrcpServer server = listen(config, observers, voices.catalog(), () -> {
            VoxcpmMrcpServer self = made.join();
            PromptCache cache = config.cache().enabled() ? openCache(config.cache()) : null;
            opened.set(cache);
            // one cache, one CachingEngine per engine of the chain: an entry's key names the engine that made it;
            // observed outside the cache, so a hit is seen (and timed) as what the caller got
            return Engines.create(config.engine(), voices, (one, kind) -> self.observe(one, cache == null ? one
                    : new CachingEngine(one, cache, Engines.modelVersion(kind), voices, 2)),
                    config.security().worker());
        });
        server.voiceRegistry = voices.registry();
        server.promptCache = opened::get;
        made.complete(server);
        return server;
    }

    private SpeechEngine observe(SpeechEngine raw, SpeechEngine decorated) {
        ObservedEngine o = new ObservedEngine(decorated, observers.syntheses());
        observed.add(new EngineLink(raw, o));
        return o;
    }

    /** Listens at once; {@code loader} makes the engine on a thread of its own. */
    public static VoxcpmMrcpServer listen(ServerConfig config, VoiceCatalog catalog, EngineLoader loader)
            throws StartupException {
        return listen(config, Observers.NONE, catalog, loader);
    }

    /** As {@link #listen(ServerConfig, VoiceCatalog, EngineLoader)}, telling {@code observers} what happens. */
    public static VoxcpmMrcpServer listen(ServerConfig config, Observers observers, VoiceCatalog catalog,
                                          EngineLoader loader) throws StartupException {
        VoxcpmMrcpServer server = openListeners(config, observers);
        Thread loading = new Thread(() -> server.load(catalog, loader), "engine-loader");
        loading.setDaemon(true);
        loading.start();
        return server;
    }

    /**
     * Starts around an engine the caller owns the creation of; the server closes it. Voice names resolve
     * against the registry in {@code voices.dir} when that directory exists (it is not created here).
     */
    public static VoxcpmMrcpServer start(ServerConfig config, SpeechEngine engine) throws StartupException {
        VoiceCatalog catalog = VoiceCatalog.EMPTY;
        Path dir = Path.of(config.voices().dir());
        VoxcpmMrcpServer server;
        RegisteredVoices voices = null;
        try {
            if (Files.isDirectory(dir)) {
                try {
                    voices = RegisteredVoices.open(dir);
                    catalog = voices.catalog();
                } catch (IOException e) {
                    throw new StartupException("voice registry " + dir + ": " + e.getMessage(), e);
                }
            }
            server = openListeners(config, Observers.NONE);
        } catch (StartupException | RuntimeException e) {
            engine.close();
            throw e;
        }
        server.voiceRegistry = voices == null ? null : voices.registry();
        if (engine instanceof CachingEngine caching) {
            server.promptCache = caching::cache;
        }
        server.serve(catalog, engine);
        return server;
    }

    private static VoxcpmMrcpServer openListeners(ServerConfig config, Observers observers) throws StartupException {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.sip().address());
        } catch (UnknownHostException e) {
            throw new StartupException("unknown listen address '" + config.sip().address() + "'", e);
        }
        VoxcpmMrcpServer server = new VoxcpmMrcpServer(config, observers,
                new MrcpChannelRegistry(config.mrcp().maxChannelsPerConnection()),
                new RtpPortAllocator(bind, config.rtp().portMin(), config.rtp().portMax()));
        try {
            server.openListeners(bind);
            return server;
        } catch (StartupException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** One MRCPv2 listener; both (TCP and TLS) share the channel registry and every limit. */
    private MrcpServer openMrcp(InetAddress bind, int port, SslContext tls) throws StartupException {
        MrcpServer.Builder builder = MrcpServer.builder(registry)
                .bindAddress(new InetSocketAddress(bind, port))
                .inactivityTimeout(Duration.ofSeconds(config.mrcp().inactivityTimeoutS()))
                .idleWithoutChannel(Duration.ofSeconds(config.mrcp().idleWithoutChannelS()))
                .tcpLimits(config.mrcp().tcpLimits())
                .decoderLimits(config.mrcp().maxHeadBytes(),
                        Math.min(MrcpDecoder.DEFAULT_MAX_LINE_BYTES, config.mrcp().maxHeadBytes()),
                        MrcpDecoder.DEFAULT_MAX_HEADERS, config.mrcp().maxBodyBytes());
        if (tls != null) {
            builder.tls(tls);
        }
        try {
            MrcpServer server = builder.start();
            listeners.add(server);
            return server;
        } catch (IOException e) {
            throw new StartupException(tls == null
                    ? StartupProblems.bind("MRCPv2 over TCP", config.sip().address(), port, "mrcp.port / --mrcp-port", e)
                    : StartupProblems.bind("MRCPv2 over TLS", config.sip().address(), port, "security.tls.mrcp-port", e),
                    e);
        }
    }

    private void openListeners(InetAddress bind) throws StartupException {
        SslContext tls = null;
        if (config.security().tls().enabled()) {
            try {
                tls = config.security().tls().context();
            } catch (IOException e) {
                throw new StartupException("security.tls: " + e.getMessage(), e);
            }
        }
        mrcp = openMrcp(bind, config.mrcp().port(), null);
        if (tls != null) {
            mrcpTls = openMrcp(bind, config.security().tls().mrcpPort(), tls);
        }
        clock = new MediaClock();
        listeners.add(clock);
        media = new RtpMedia(clock, ports);
        EventExecutorGroup executors = new DefaultEventExecutorGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory("synth"));
        synthExecutors = executors;
        listeners.add(() -> executors.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        SipConfig sipConfig = SipConfig.defaults()
                .withBindAddress(config.sip().address())
                .withPort(config.sip().port())
                .withExternalAddress(config.sip().advertisedAddress())
                .withT1(Duration.ofMillis(config.sip().t1Ms()))
                .withTcp(new TcpLimits(config.sip().tcpMaxConnections(), config.sip().tcpMaxConnectionsPerAddress(),
                        config.mrcp().tcpLimits().messageTimeout(), config.mrcp().maxWriteBacklogBytes()),
                        Duration.ofSeconds(config.sip().tcpIdleTimeoutS()))
                .withSourceLimits(config.limits().sip());
        try {
            sip = SipServer.start(sipConfig, gate,
                    tls == null ? null : new SipTls(config.security().tls().sipPort(), tls));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while starting", e);
        } catch (Exception e) { // Netty's sync() rethrows the BindException of a UDP bind undeclared
            throw new StartupException(StartupProblems.bind(config.security().tls().enabled() ? "SIP over UDP, TCP and TLS" : "SIP over UDP and TCP", config.sip().address(),
                    config.sip().port(), "sip.port / --sip-port", e), e);
        }
        log.info("voxcpm-mrcp listening after {} ms: SIP {}:{} (UDP+TCP), MRCPv2 TCP {}, RTP {}-{}; engine loading",
                (System.nanoTime() - startedNanos) / 1_000_000, config.sip().address(), sip.udpPort(), mrcp.port(),
                config.rtp().portMin(), config.rtp().portMax());
        if (mrcpTls != null) {
            log.info("TLS: SIP {}:{}, MRCPv2 (TCP/TLS/MRCPv2) {}{}", config.sip().address(), sip.tlsPort(),
                    mrcpTls.port(), config.security().tls().clientCaFile() == null ? ""
                            : ", client certificates required");
        }
    }

    private void load(VoiceCatalog catalog, EngineLoader loader) {
        SpeechEngine loaded;
        try {
            loaded = loader.load();
        } catch (StartupException | RuntimeException e) {
            log.error("voxcpm-mrcp cannot load its engine: {}", e.getMessage());
            ready.completeExceptionally(e);
            return;
        }
        // a loader of the caller's (tests, embedders) gets its engine observed as one
        serve(catalog, observed.isEmpty() ? observe(loaded, loaded) : loaded);
    }

    /** What the sessions speak with: the engine, its capacity shared among client hosts with a bounded wait. */
    private SpeechEngine shared(SpeechEngine loaded) {
        return new FairShareEngine(loaded, config.engine().limits().fairShare(), SlotTimer.system());
    }

    /** Builds the session layer around the engine and opens the gate: INVITEs are served from now on. */
    private void serve(VoiceCatalog catalog, SpeechEngine loaded) {
        synchronized (this) {
            if (closed) {
                loaded.close();
                ready.completeExceptionally(new StartupException("closed while the engine loaded"));
                return;
            }
            engine = loaded;
            this.catalog = catalog;
            // only a prompt cache can name what a plan sounds like (voice versions, model version)
            frames = loaded instanceof CachingEngine && config.cache().frameTierMb() > 0
                    ? new FrameTier(config.cache().frameTierMb() * 1024L * 1024L) : null;
            SynthSettings synth = new SynthSettings(Duration.ofMillis(config.synth().playoutMarginMs()),
                    config.synth().maxPendingSpeaks(), config.synth().maxTextChars(), config.synth().speechMarkers(),
                    SynthSettings.DEFAULTS.maxRetainedFrames(), SynthSettings.DEFAULTS.maxLexicons(),
                    config.limits().setParamsMaxCount(), config.limits().setParamsMaxBytes(), speaks);
            SessionManager made = new SessionManager(new SessionManager.Settings(config.synth().maxSessions(),
                    mrcp.port(), config.sip().advertisedAddress(), config.synth().maxSessionsPerAddress(),
                    Duration.ofMillis(config.mrcp().terminationTimeoutMs()),
                    Duration.ofSeconds(config.synth().sessionIdleTimeoutS()),
                    new MediaDestinations(config.media().networks()), mrcpTlsPort(),
                    Duration.ofSeconds(config.limits().sessionIdleAfterSpeakS()),
                    Duration.ofSeconds(config.limits().sessionMaxDurationS())),
                    registry, media, shared(loaded), synth, planning(config, catalog, frames), synthExecutors);
            sessions = made;
            gate.open(made);
        }
        log.info("voxcpm-mrcp ready after {} ms: SIP {}:{} (UDP+TCP), MRCPv2 TCP {}, RTP {}-{}, engine {}",
                (System.nanoTime() - startedNanos) / 1_000_000, config.sip().address(), sip.udpPort(), mrcp.port(),
                config.rtp().portMin(), config.rtp().portMax(), loaded.name());
        ready.complete(null);
    }

    /**
     * Runs up to {@code rounds} synthetic calls through a private copy of the call pipeline on loopback until the
     * server is ready or closed, so that the first real calls meet compiled code ({@link WarmUp}): nothing of it
     * reaches a caller, a session of this server, its metrics or its records. Completes with the calls made.
     */
    public CompletableFuture<Integer> startWarmUp(int rounds) {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        ready.whenComplete((v, e) -> stop.complete(null));
        listeners.add(() -> stop.complete(null));
        return new WarmUp(stop, rounds, config.rtp().portMin(), config.rtp().portMax()).start();
    }

    /** Completes when INVITEs are served; fails with the {@link StartupException} that stopped the engine. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Waits for {@link #ready()}; on failure closes the server and throws why. */
    public void awaitReady() throws StartupException {
        try {
            ready.get();
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof StartupException s ? s
                    : new StartupException("engine: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new StartupException("interrupted while starting", e);
        }
    }

    /**
     * {@code <audio src="prompt:NAME">} plays from the prompt store (its content is spoken when there is no
     * such prompt), and every prompt reaches the caller at the configured level. The server's own generation
     * defaults are the engine's (none set here).
     */
    private static SpeakPlanning planning(ServerConfig config, VoiceCatalog catalog, FrameTier frames) {
        PromptsConfig p = config.prompts();
        LevelMatching level = new LevelMatching(p.levelLufs(), p.levelLookaheadMs());
        return new SpeakPlanning(catalog, Map.of(), config.synth().unknownVoiceFallsBack(),
                PromptStore.open(Path.of(p.dir())).audio(level.normalizer()), frames, level)
                .withCost(config.cost().speakCost());
    }

    private static PromptCache openCache(CacheConfig cache) throws StartupException {
        try {
            return PromptCache.open(Path.of(cache.dir()), cache.maxMb() * 1024L * 1024L);
        } catch (IOException e) {
            throw new StartupException("prompt cache directory " + cache.dir() + ": " + e.getMessage()
                    + " (set cache.dir to a writable directory, or cache.enabled: false)", e);
        }
    }

    public int sipPort() {
        return sip.udpPort();
    }

    public int mrcpPort() {
        return mrcp.port();
    }

    /** The MRCPv2-over-TLS port, or -1 without security.tls. */
    public int mrcpTlsPort() {
        return mrcpTls == null ? -1 : mrcpTls.port();
    }

    /** The SIP-over-TLS port, or -1 without security.tls. */
    public int sipTlsPort() {
        return sip.tlsPort();
    }

    /** Whether {@link #startDraining} was called: new INVITEs get 503 with Retry-After. */
    public boolean isDraining() {
        return gate.draining();
    }

    /**
     * Refuses new INVITEs from now on (503, Retry-After {@code retryAfterS}); calls in progress go on. The
     * first step of a graceful stop: readiness turns false at once.
     */
    public void startDraining(int retryAfterS) {
        gate.drain(retryAfterS);
        log.info("voxcpm-mrcp draining: new INVITEs get 503 (Retry-After {} s), {} sessions in progress",
                retryAfterS, sessionCount());
    }

    /**
     * SPEAKs playing or paused now over all sessions (queued ones wait behind them): read from the sessions
     * themselves, so one ended by STOP or barge-in, which gets no SPEAK-COMPLETE, stops counting at once.
     */
    public int activeSpeaks() {
        SessionManager s = sessions;
        return s == null ? 0 : s.speakingSessions();
    }

    /**
     * Ends every session the way the server ends one on its own (with a BYE where the session layer sends
     * one), {@code why} saying so; returns how many.
     */
    public int hangUpAll(String why) {
        SessionManager s = sessions;
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (var session : s.sessions()) { // SessionInfo moves with the session layer
            if (s.terminate(session.sessionId(), why)) {
                n++;
            }
        }
        return n;
    }

    /** Whether the engine would take a synthesis now; empty until it has loaded. */
    public Optional<Availability> engineAvailability() {
        SpeechEngine e = engine;
        return e == null || sessions == null ? Optional.empty() : Optional.of(e.availability());
    }

    public int sessionCount() {
        SessionManager s = sessions;
        return s == null ? 0 : s.sessionCount();
    }

    /** The voice registry SPEAKs resolve names in; empty when the server was given an engine without one. */
    public Optional<VoiceRegistry> voiceRegistry() {
        return Optional.ofNullable(voiceRegistry);
    }

    /** The prompt cache behind the engine; empty when it is off (or the engine is still loading). */
    public Optional<PromptCache> promptCache() {
        return Optional.ofNullable(promptCache.get());
    }

    /** The encoded-frame tier; empty when it is off. */
    public Optional<FrameTier> frameTier() {
        return Optional.ofNullable(frames);
    }

    /** What SPEAKs resolve voice names to (the registry as the planner sees it). */
    public VoiceCatalog voiceCatalog() {
        return catalog;
    }

    /** The speech engine once loaded; empty while it loads. */
    public Optional<SpeechEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** The session layer once the engine is loaded; empty before. */
    public Optional<SessionManager> sessions() {
        return Optional.ofNullable(sessions);
    }

    public ServerConfig config() {
        return config;
    }

    /** The encoded-frame tier's counters; empty when it is off (no prompt cache, or frame-tier-mb 0). */
    public Optional<FrameTier.Stats> frameTierStats() {
        return Optional.ofNullable(frames).map(FrameTier::stats);
    }

    /** RTP packets sent, late and dropped since start. */
    public RtpStats rtpStats() {
        return clock.stats();
    }

    /** The prompt cache's counters; empty when it is off (or the engine has not loaded). */
    public Optional<CacheStats> cacheStats() {
        return promptCache().map(PromptCache::stats);
    }

    /**
     * One engine of the chain: as made ({@code raw}, e.g. a WorkerEngine with its endpoints) and as the
     * server calls it (behind the prompt cache, observed for metrics).
     */
    public record EngineLink(SpeechEngine raw, ObservedEngine observed) { }

    /** The engines of the chain in order (empty until loaded, or for an engine handed in by the caller). */
    public List<EngineLink> engineLinks() {
        return List.copyOf(observed);
    }

    /** Session tasks waiting on the synthesizer executors (all sessions' requests and engine callbacks). */
    public int pendingSessionTasks() {
        int n = 0;
        for (io.netty.util.concurrent.EventExecutor e : synthExecutors) {
            if (e instanceof io.netty.util.concurrent.SingleThreadEventExecutor s) {
                n += s.pendingTasks();
            }
        }
        return n;
    }

    /** What the server holds right now, for health checks and leak tests. */
    public record Usage(int sessions, int mrcpChannels, int mrcpConnections, int sipDialogs, int rtpPorts,
                        int sessionTimers) { }

    public Usage usage() {
        SessionManager s = sessions;
        return new Usage(s == null ? 0 : s.sessionCount(), registry.channelCount(), registry.connectionCount(),
                sip.dialogCount(), ports.inUse(), s == null ? 0 : s.pendingTimerCount());
    }

    @Override
    public void close() {
        List<AutoCloseable> order = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            log.info("voxcpm-mrcp shutting down");
            // SIP first so every dialog ends (and releases its session), the engine last
            order.addAll(listeners);
            if (sessions != null) {
                order.add(sessions);
            }
            if (sip != null) {
                order.add(sip);
            }
            if (engine != null) {
                order.add(0, engine);
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            try {
                order.get(i).close();
            } catch (Exception e) {
                log.warn("while shutting down {}: {}", order.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** The server cannot start; the message says what to fix. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        public StartupException(String message) {
            super(message);
        }

        public StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
