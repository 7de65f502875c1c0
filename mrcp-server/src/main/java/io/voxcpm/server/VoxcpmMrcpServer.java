package io.voxcpm.server;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.mrcp.server.MrcpChannelRegistry;
import io.voxcpm.mrcp.message.MrcpDecoder;
import io.voxcpm.mrcp.server.MrcpServer;
import io.voxcpm.mrcp.synth.SpeakPlanning;
import io.voxcpm.mrcp.synth.SynthSettings;
import io.voxcpm.request.SegmentPlayer;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.rtp.MediaClock;
import io.voxcpm.rtp.RtpMedia;
import io.voxcpm.rtp.RtpPortAllocator;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.session.MediaDestinations;
import io.voxcpm.session.SessionManager;
import io.voxcpm.sip.SipConfig;
import io.voxcpm.sip.SipServer;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: SIP, MRCP and RTP listeners around one speech engine. */
public final class VoxcpmMrcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VoxcpmMrcpServer.class);

    private final List<AutoCloseable> resources;
    private final SipServer sip;
    private final MrcpServer mrcp;
    private final SessionManager sessions;
    private final MrcpChannelRegistry registry;
    private final RtpPortAllocator ports;
    private final FrameTier frames;

    private VoxcpmMrcpServer(List<AutoCloseable> resources, SipServer sip, MrcpServer mrcp, SessionManager sessions,
                             MrcpChannelRegistry registry, RtpPortAllocator ports, FrameTier frames) {
        this.resources = resources;
        this.sip = sip;
        this.mrcp = mrcp;
        this.sessions = sessions;
        this.registry = registry;
        this.ports = ports;
        this.frames = frames;
    }

    /** Starts with the engine the configuration names, behind the prompt cache when it is enabled. */
    public static VoxcpmMrcpServer start(ServerConfig config) throws StartupException {
        RegisteredVoices voices;
        try {
            voices = RegisteredVoices.open(Path.of(config.voices().dir()));
        } catch (IOException e) {
            throw new StartupException("voice registry " + config.voices().dir() + ": " + e.getMessage()
                    + " (set voices.dir to a writable directory)", e);
        }
        PromptCache cache = config.cache().enabled() ? openCache(config.cache()) : null;
        // one cache, one CachingEngine per engine of the chain: an entry's key names the engine that made it
        SpeechEngine engine = Engines.create(config.engine(), voices, cache == null ? Engines.Decorator.NONE
                : (one, kind) -> new CachingEngine(one, cache, Engines.modelVersion(kind), voices, 2));
        try {
            return start(config, engine, voices.catalog());
        } catch (StartupException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Starts around an engine the caller owns the creation of; the server closes it. Voice names resolve
     * against the registry in {@code voices.dir} when that directory exists (it is not created here).
     */
    public static VoxcpmMrcpServer start(ServerConfig config, SpeechEngine engine) throws StartupException {
        VoiceCatalog catalog = VoiceCatalog.EMPTY;
        Path dir = Path.of(config.voices().dir());
        if (Files.isDirectory(dir)) {
            try {
                catalog = RegisteredVoices.open(dir).catalog();
            } catch (IOException e) {
                engine.close();
                throw new StartupException("voice registry " + dir + ": " + e.getMessage(), e);
            }
        }
        return start(config, engine, catalog);
    }

    private static VoxcpmMrcpServer start(ServerConfig config, SpeechEngine engine, VoiceCatalog catalog)
            throws StartupException {
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(engine);
        try {
            InetAddress bind = InetAddress.getByName(config.sip().address());
            MrcpChannelRegistry registry = new MrcpChannelRegistry(config.mrcp().maxChannelsPerConnection());
            MrcpServer mrcp;
            try {
                mrcp = MrcpServer.builder(registry)
                        .bindAddress(new InetSocketAddress(bind, config.mrcp().port()))
                        .inactivityTimeout(Duration.ofSeconds(config.mrcp().inactivityTimeoutS()))
                        .idleWithoutChannel(Duration.ofSeconds(config.mrcp().idleWithoutChannelS()))
                        .tcpLimits(config.mrcp().tcpLimits())
                        .decoderLimits(config.mrcp().maxHeadBytes(),
                                Math.min(MrcpDecoder.DEFAULT_MAX_LINE_BYTES, config.mrcp().maxHeadBytes()),
                                MrcpDecoder.DEFAULT_MAX_HEADERS, config.mrcp().maxBodyBytes())
                        .start();
            } catch (IOException e) {
                throw new StartupException("MRCP TCP port " + config.mrcp().port() + ": " + e.getMessage(), e);
            }
            opened.add(mrcp);
            // only a prompt cache can name what a plan sounds like (voice versions, model version)
            FrameTier frames = engine instanceof CachingEngine && config.cache().frameTierMb() > 0
                    ? new FrameTier(config.cache().frameTierMb() * 1024L * 1024L) : null;
            MediaClock clock = new MediaClock();
            opened.add(clock);
            RtpPortAllocator ports = new RtpPortAllocator(bind, config.rtp().portMin(), config.rtp().portMax());
            RtpMedia media = new RtpMedia(clock, ports);
            EventExecutorGroup synthExecutors = new DefaultEventExecutorGroup(
                    Math.max(2, Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory("synth"));
            opened.add(() -> synthExecutors.shutdownGracefully(0, 1, TimeUnit.SECONDS));
            SynthSettings synth = new SynthSettings(Duration.ofMillis(config.synth().playoutMarginMs()),
                    config.synth().maxPendingSpeaks(), config.synth().maxTextChars(), config.synth().speechMarkers(),
                    SynthSettings.DEFAULTS.maxRetainedFrames(), SynthSettings.DEFAULTS.maxLexicons());
            // no prompt-audio store exists yet: <audio src="prompt:NAME"> always speaks its content, or the SPEAK
            // fails with 003; the server's own generation defaults are the engine's (none set here)
            SessionManager sessions = new SessionManager(new SessionManager.Settings(config.synth().maxSessions(),
                    mrcp.port(), config.sip().advertisedAddress(), config.synth().maxSessionsPerAddress(),
                    Duration.ofMillis(config.mrcp().terminationTimeoutMs()),
                    Duration.ofSeconds(config.synth().sessionIdleTimeoutS()),
                    new MediaDestinations(config.media().networks())),
                    registry, media, engine, synth, new SpeakPlanning(catalog, Map.of(),
                    config.synth().unknownVoiceFallsBack(), SegmentPlayer.PromptAudio.NONE, frames), synthExecutors);
            opened.add(sessions);
            SipConfig sipConfig = SipConfig.defaults()
                    .withBindAddress(config.sip().address())
                    .withPort(config.sip().port())
                    .withExternalAddress(config.sip().advertisedAddress())
                    .withT1(Duration.ofMillis(config.sip().t1Ms()))
                    .withTcp(new TcpLimits(config.sip().tcpMaxConnections(), config.sip().tcpMaxConnectionsPerAddress(),
                            config.mrcp().tcpLimits().messageTimeout(), config.mrcp().maxWriteBacklogBytes()),
                            Duration.ofSeconds(config.sip().tcpIdleTimeoutS()));
            SipServer sip;
            try {
                sip = SipServer.start(sipConfig, sessions);
            } catch (IllegalStateException e) {
                throw new StartupException("SIP port " + config.sip().port() + ": " + e.getMessage(), e);
            }
            // SIP closes first on shutdown so every dialog ends (and releases its session) before the rest
            opened.add(sip);
            sessions.forgetDialogsWith(sip::forget);
            log.info("voxcpm-mrcp ready: SIP {}:{} (UDP+TCP), MRCPv2 TCP {}, RTP {}-{}, engine {}",
                    config.sip().address(), sip.udpPort(), mrcp.port(), config.rtp().portMin(),
                    config.rtp().portMax(), engine.name());
            return new VoxcpmMrcpServer(opened, sip, mrcp, sessions, registry, ports, frames);
        } catch (UnknownHostException e) {
            closeAll(opened);
            throw new StartupException("unknown listen address '" + config.sip().address() + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(opened);
            throw new StartupException("interrupted while starting", e);
        } catch (StartupException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }


    private static PromptCache openCache(ServerConfig.Cache cache) throws StartupException {
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

    public int sessionCount() {
        return sessions.sessionCount();
    }

    /** What the server holds right now, for health checks and leak tests. */
    /** The encoded-frame tier's counters; empty when it is off (no prompt cache, or frame-tier-mb 0). */
    public java.util.Optional<FrameTier.Stats> frameTierStats() {
        return java.util.Optional.ofNullable(frames).map(FrameTier::stats);
    }

    public record Usage(int sessions, int mrcpChannels, int mrcpConnections, int sipDialogs, int rtpPorts,
                        int sessionTimers) { }

    public Usage usage() {
        return new Usage(sessions.sessionCount(), registry.channelCount(), registry.connectionCount(),
                sip.dialogCount(), ports.inUse(), sessions.pendingTimerCount());
    }

    @Override
    public void close() {
        log.info("voxcpm-mrcp shutting down");
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("while shutting down {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
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
