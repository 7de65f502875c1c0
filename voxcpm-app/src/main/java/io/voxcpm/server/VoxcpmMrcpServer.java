package io.voxcpm.server;

import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.ObservedEngine;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.prompt.PromptStore;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.rtp.RtpStats;
import io.voxcpm.session.SessionManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: SIP, MRCP and RTP listeners around one speech engine.
 *
 * <p>Start-up order: the voice registry and the prompt store; then the {@link Listeners} (MRCP, media, SIP), SIP
 * answering every INVITE with 503 and Retry-After through the {@link SessionGate}; then the engine, loaded on a
 * thread of its own (a PBX retries or fails over meanwhile, so a restart never leaves a caller without an
 * answer); then the {@link SessionLayer} around it, and the gate opens. Shutdown ({@link #close}) runs it
 * backwards: SIP, the sessions, executors, media and MRCP, the engine last.
 */
public final class VoxcpmMrcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VoxcpmMrcpServer.class);

    /** Makes the speech engine; runs on a thread of its own while the listeners already answer. */
    @FunctionalInterface
    public interface EngineLoader {
        SpeechEngine load() throws StartupException;
    }

    private final ServerConfig config;
    private final Observers observers;
    private final long startedNanos = System.nanoTime();
    private final SessionGate gate;
    private final ServerStores stores;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<EngineLink> observed = new CopyOnWriteArrayList<>();
    private Listeners listeners;
    private volatile SessionManager sessions;
    private volatile SpeechEngine engine;
    private volatile boolean closed;

    private VoxcpmMrcpServer(ServerConfig config, Observers observers) {
        this.config = config;
        this.observers = observers;
        this.gate = new SessionGate(observers.sessions());
        this.stores = new ServerStores(PromptStore.open(Path.of(config.prompts().dir())));
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
        RegisteredVoices voices = RegisteredVoices.forServer(Path.of(config.voices().dir()), false);
        // the loader runs on its own thread, possibly before listen() has returned the server it fills in
        CompletableFuture<VoxcpmMrcpServer> made = new CompletableFuture<>();
        AtomicReference<PromptCache> opened = new AtomicReference<>();
        VoxcpmMrcpServer server = listen(config, observers, voices.catalog(), () -> {
            VoxcpmMrcpServer self = made.join();
            opened.set(Engines.openCache(config.cache()));
            return Engines.serving(config, voices, opened.get(), self::observe);
        });
        server.stores.voiceRegistry(voices.registry());
        server.stores.promptCache(opened::get);
        made.complete(server);
        return server;
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
        VoxcpmMrcpServer server;
        RegisteredVoices voices;
        try {
            voices = RegisteredVoices.forServer(Path.of(config.voices().dir()), true);
            server = openListeners(config, Observers.NONE);
        } catch (StartupException | RuntimeException e) {
            engine.close();
            throw e;
        }
        server.stores.voiceRegistry(voices == null ? null : voices.registry());
        if (engine instanceof CachingEngine caching) {
            server.stores.promptCache(caching::cache);
        }
        server.serve(voices == null ? VoiceCatalog.EMPTY : voices.catalog(), engine);
        return server;
    }

    private static VoxcpmMrcpServer openListeners(ServerConfig config, Observers observers) throws StartupException {
        VoxcpmMrcpServer server = new VoxcpmMrcpServer(config, observers);
        server.listeners = Listeners.open(config, server.gate, server.startedNanos);
        return server;
    }

    private SpeechEngine observe(SpeechEngine raw, SpeechEngine decorated) {
        ObservedEngine o = new ObservedEngine(decorated, observers.syntheses());
        observed.add(new EngineLink(raw, o));
        return o;
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

    /** Builds the session layer around the engine and opens the gate: INVITEs are served from now on. */
    private void serve(VoiceCatalog catalog, SpeechEngine loaded) {
        synchronized (this) {
            if (closed) {
                loaded.close();
                ready.completeExceptionally(new StartupException("closed while the engine loaded"));
                return;
            }
            engine = loaded;
            FrameTier frames = stores.serve(catalog, loaded, config.cache().frameTierMb());
            sessions = SessionLayer.create(config, listeners, loaded, catalog, frames, stores.promptStore(),
                    observers.speaks());
            gate.open(sessions);
        }
        log.info("voxcpm-mrcp ready after {} ms: SIP {}:{} (UDP+TCP), MRCPv2 TCP {}, RTP {}-{}, engine {}",
                uptimeMs(), config.sip().address(), sipPort(), mrcpPort(), config.rtp().portMin(),
                config.rtp().portMax(), loaded.name());
        ready.complete(null);
    }

    private long uptimeMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /**
     * Runs up to {@code rounds} synthetic calls through a private copy of the call pipeline on loopback until the
     * server has its first session, fails to start or closes, so that the first real calls meet compiled code
     * ({@link WarmUp}): nothing of it reaches a caller, a session of this server, its metrics or its records.
     * Completes with the calls made.
     */
    public CompletableFuture<Integer> startWarmUp(int rounds) {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        ready.whenComplete((v, e) -> {
            if (e != null) {
                stop.complete(null);
            }
        });
        listeners.onClose(() -> stop.complete(null));
        return new WarmUp(stop, () -> sessionCount() > 0, rounds, config.rtp().portMin(), config.rtp().portMax())
                .start();
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

    public int sipPort() {
        return listeners.sip.udpPort();
    }

    public int mrcpPort() {
        return listeners.mrcp.port();
    }

    /** The MRCPv2-over-TLS port, or -1 without security.tls. */
    public int mrcpTlsPort() {
        return listeners.mrcpTls == null ? -1 : listeners.mrcpTls.port();
    }

    /** The SIP-over-TLS port, or -1 without security.tls. */
    public int sipTlsPort() {
        return listeners.sip.tlsPort();
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
        return s == null ? 0 : (int) s.sessions().stream().filter(one -> s.terminate(one.sessionId(), why)).count();
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

    /** The voices, recorded prompts and caches the server speaks from (what the admin API administers). */
    public ServerStores stores() {
        return stores;
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

    /** RTP packets sent, late and dropped since start. */
    public RtpStats rtpStats() {
        return listeners.clock.stats();
    }

    /** The engines of the chain in order (empty until loaded, or for an engine handed in by the caller). */
    public List<EngineLink> engineLinks() {
        return List.copyOf(observed);
    }

    /** Session tasks waiting on the synthesizer executors (all sessions' requests and engine callbacks). */
    public int pendingSessionTasks() {
        return listeners.pendingSessionTasks();
    }

    /** What the server holds right now, for health checks and leak tests. */
    public ServerUsage usage() {
        SessionManager s = sessions;
        return new ServerUsage(s == null ? 0 : s.sessionCount(), listeners.registry.channelCount(),
                listeners.registry.connectionCount(), listeners.sip.dialogCount(), listeners.ports.inUse(),
                s == null ? 0 : s.pendingTimerCount());
    }

    /** The start-up order backwards: SIP, the sessions, executors, media and MRCP ({@link Listeners}), the engine. */
    @Override
    public void close() {
        SessionManager s;
        SpeechEngine e;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = sessions;
            e = engine;
        }
        log.info("voxcpm-mrcp shutting down");
        if (listeners != null) {
            listeners.close(s);
        }
        if (e != null) {
            closeQuietly(e);
        }
    }

    static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            log.warn("while shutting down {}: {}", part.getClass().getSimpleName(), e.toString());
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
