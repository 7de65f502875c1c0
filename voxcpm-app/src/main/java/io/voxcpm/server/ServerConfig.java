package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.voxcpm.admin.AdminConfig;
import io.voxcpm.admin.UnknownKeys;
import io.voxcpm.chain.FallbackVoices;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.ops.OpsConfig;
import io.voxcpm.net.IpNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the server can be told, with UniMRCP's defaults so existing PBX profiles work unchanged.
 * Read from YAML ({@code --config}); command-line options override single values.
 */
public record ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices,
                           Media media, PromptsConfig prompts, SecurityConfig security,
                           // ops: the management port, SIGTERM drain, synthesis records (io.voxcpm.ops.OpsConfig)
                           OpsConfig.Http http, OpsConfig.Drain drain, OpsConfig.Records records,
                           // admin: the /admin/v1 token and limits (io.voxcpm.admin.AdminConfig)
                           AdminConfig admin,
                           // limits: what one source may take (LimitsConfig)
                           LimitsConfig limits,
                           // cost: caps on what a caller may make the engine do (CostConfig)
                           CostConfig cost) {

    public static final ServerConfig DEFAULTS = new ServerConfig(Sip.DEFAULTS, Mrcp.DEFAULTS, Rtp.DEFAULTS,
            Synth.DEFAULTS, Engine.DEFAULTS, Cache.DEFAULTS, Voices.DEFAULTS, Media.DEFAULTS);

    public ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices) {
        this(sip, mrcp, rtp, synth, engine, cache, voices, null);
    }

    /** Every component not named takes its defaults. */
    public ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices,
                        Media media) {
        this(sip, mrcp, rtp, synth, engine, cache, voices, media, null, null, null, null, null, null, null, null);
    }

    public ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices,
                        Media media, OpsConfig.Http http, OpsConfig.Drain drain, OpsConfig.Records records) {
        this(sip, mrcp, rtp, synth, engine, cache, voices, media, null, null, http, drain, records, null, null, null);
    }

    public ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices,
                        Media media, PromptsConfig prompts, SecurityConfig security) {
        this(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security, null, null, null, null, null, null);
    }

    /** The {@code limits:} section (see {@link LimitsConfig}). */
    public ServerConfig withCost(CostConfig c) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, c);
    }

    public ServerConfig withLimits(LimitsConfig l) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, l, cost);
    }

    public ServerConfig {
        sip = sip == null ? Sip.DEFAULTS : sip;
        mrcp = mrcp == null ? Mrcp.DEFAULTS : mrcp;
        rtp = rtp == null ? Rtp.DEFAULTS : rtp;
        synth = synth == null ? Synth.DEFAULTS : synth;
        engine = engine == null ? Engine.DEFAULTS : engine;
        cache = cache == null ? Cache.DEFAULTS : cache;
        voices = voices == null ? Voices.DEFAULTS : voices;
        media = media == null ? Media.DEFAULTS : media;
        prompts = prompts == null ? PromptsConfig.DEFAULTS : prompts;
        security = security == null ? SecurityConfig.DEFAULTS : security;
        http = http == null ? OpsConfig.Http.DEFAULTS : http;
        drain = drain == null ? OpsConfig.Drain.DEFAULTS : drain;
        records = records == null ? OpsConfig.Records.DEFAULTS : records;
        admin = admin == null ? AdminConfig.DEFAULTS : admin;
        limits = limits == null ? LimitsConfig.DEFAULTS : limits;
        cost = cost == null ? CostConfig.DEFAULTS : cost;
    }

    /**
     * @param address           the local address to listen on
     * @param port              UDP and TCP port; 0 picks a free one (tests)
     * @param advertisedAddress the address written into SDP answers and Contact headers (behind NAT); when
     *                          null, the address each request arrived on
     * @param t1Ms              RFC 3261 T1, the base of the UDP retransmission timers
     * @param tcpMaxConnections           open SIP/TCP connections; more are closed when accepted
     * @param tcpMaxConnectionsPerAddress open SIP/TCP connections from one client IP
     * @param tcpIdleTimeoutS             a SIP/TCP connection without a message this long is closed
     */
    public record Sip(String address, Integer port, @JsonProperty("advertised-address") String advertisedAddress,
                      @JsonProperty("t1-ms") Integer t1Ms,
                      @JsonProperty("tcp-max-connections") Integer tcpMaxConnections,
                      @JsonProperty("tcp-max-connections-per-address") Integer tcpMaxConnectionsPerAddress,
                      @JsonProperty("tcp-idle-timeout-s") Integer tcpIdleTimeoutS) {
        public static final Sip DEFAULTS = new Sip("0.0.0.0", 8060, null, 500);

        public Sip {
            address = or(address, "0.0.0.0");
            port = or(port, 8060);
            t1Ms = or(t1Ms, 500);
            tcpMaxConnections = or(tcpMaxConnections, 1000);
            tcpMaxConnectionsPerAddress = or(tcpMaxConnectionsPerAddress, 100);
            tcpIdleTimeoutS = or(tcpIdleTimeoutS, 600);
        }

        public Sip(String address, Integer port, String advertisedAddress, Integer t1Ms) {
            this(address, port, advertisedAddress, t1Ms, null, null, null);
        }
    }

    /**
     * @param inactivityTimeoutS        an MRCP connection silent this long is closed (UniMRCP: 600 s)
     * @param terminationTimeoutMs      grace after an MRCP connection drops before its sessions are ended,
     *                                  so a BYE racing the TCP close wins (UniMRCP: 3 s)
     * @param maxHeadBytes              start line plus header block of one message; larger gets 504 and a close
     * @param maxBodyBytes              Content-Length of one message; larger gets 504
     * @param maxChannelsPerConnection  channels one TCP connection may carry; a request that would add one
     *                                  more gets 407
     * @param maxConnections            open MRCP connections; more are closed when accepted
     * @param maxConnectionsPerAddress  open MRCP connections from one client IP
     * @param messageTimeoutMs          a message must be complete this long after its first byte (slowloris)
     * @param maxWriteBacklogBytes      responses queued for a client that does not read before it is cut off
     * @param idleWithoutChannelS       a connection carrying no channel and sending nothing this long is closed
     */
    public record Mrcp(Integer port, @JsonProperty("inactivity-timeout-s") Integer inactivityTimeoutS,
                       @JsonProperty("termination-timeout-ms") Integer terminationTimeoutMs,
                       @JsonProperty("max-head-bytes") Integer maxHeadBytes,
                       @JsonProperty("max-body-bytes") Integer maxBodyBytes,
                       @JsonProperty("max-channels-per-connection") Integer maxChannelsPerConnection,
                       @JsonProperty("max-connections") Integer maxConnections,
                       @JsonProperty("max-connections-per-address") Integer maxConnectionsPerAddress,
                       @JsonProperty("message-timeout-ms") Integer messageTimeoutMs,
                       @JsonProperty("max-write-backlog-bytes") Integer maxWriteBacklogBytes,
                       @JsonProperty("idle-without-channel-s") Integer idleWithoutChannelS) {
        public static final Mrcp DEFAULTS = new Mrcp(1544, 600, 3000, 16 * 1024, 256 * 1024, 1000);

        public Mrcp(Integer port, Integer inactivityTimeoutS, Integer terminationTimeoutMs, Integer maxHeadBytes,
                    Integer maxBodyBytes, Integer maxChannelsPerConnection) {
            this(port, inactivityTimeoutS, terminationTimeoutMs, maxHeadBytes, maxBodyBytes, maxChannelsPerConnection,
                    null, null, null, null, null);
        }

        public Mrcp {
            port = or(port, 1544);
            inactivityTimeoutS = or(inactivityTimeoutS, 600);
            terminationTimeoutMs = or(terminationTimeoutMs, 3000);
            maxHeadBytes = or(maxHeadBytes, 16 * 1024);
            maxBodyBytes = or(maxBodyBytes, 256 * 1024);
            maxChannelsPerConnection = or(maxChannelsPerConnection, 1000);
            maxConnections = or(maxConnections, TcpLimits.DEFAULTS.maxConnections());
            maxConnectionsPerAddress = or(maxConnectionsPerAddress, TcpLimits.DEFAULTS.maxPerAddress());
            messageTimeoutMs = or(messageTimeoutMs, (int) TcpLimits.DEFAULTS.messageTimeout().toMillis());
            maxWriteBacklogBytes = or(maxWriteBacklogBytes, TcpLimits.DEFAULTS.maxWriteBacklogBytes());
            idleWithoutChannelS = or(idleWithoutChannelS, 60);
        }

        public TcpLimits tcpLimits() {
            return new TcpLimits(maxConnections, maxConnectionsPerAddress, Duration.ofMillis(messageTimeoutMs),
                    maxWriteBacklogBytes);
        }

        public Mrcp(Integer port, Integer inactivityTimeoutS, Integer terminationTimeoutMs) {
            this(port, inactivityTimeoutS, terminationTimeoutMs, null, null, null);
        }

        public Mrcp withPort(int newPort) {
            return new Mrcp(newPort, inactivityTimeoutS, terminationTimeoutMs, maxHeadBytes, maxBodyBytes,
                    maxChannelsPerConnection, maxConnections, maxConnectionsPerAddress, messageTimeoutMs,
                    maxWriteBacklogBytes, idleWithoutChannelS);
        }
    }

    public record Rtp(@JsonProperty("port-min") Integer portMin, @JsonProperty("port-max") Integer portMax,
                      @JsonProperty("ptime-ms") Integer ptimeMs) {
        public static final Rtp DEFAULTS = new Rtp(5000, 6000, 20);

        public Rtp {
            portMin = or(portMin, 5000);
            portMax = or(portMax, 6000);
            ptimeMs = or(ptimeMs, 20);
        }
    }

    /**
     * @param playoutMarginMs       how long after the last RTP packet SPEAK-COMPLETE is sent: clients close
     *                              the session on SPEAK-COMPLETE and drop what is still in their jitter buffer
     * @param maxSessions           concurrent sessions before new INVITEs get 480
     * @param speechMarkers         send SPEECH-MARKER events by default (FreeSWITCH and Asterisk treat them as
     *                              errors); a session overrides it with Vendor-Specific-Parameters
     *                              {@code speech-markers=true|false} in SET-PARAMS or SPEAK
     * @param maxPendingSpeaks      SPEAKs queued behind the playing one before more are refused
     * @param maxTextChars          the longest text of one SPEAK, after markup is removed
     * @param sessionIdleTimeoutS   a session whose MRCP channel has not been used this long after the INVITE
     *                              (the client never connected) is ended and its dialog forgotten
     * @param maxSessionsPerAddress concurrent sessions from one client IP before its INVITEs get 480 (default: half
     *                              of maxSessions)
     * @param unknownVoice          {@code reject} (a SPEAK naming an unregistered voice fails with 004) or
     *                              {@code default} (it speaks with the engine's default voice, logged as a WARN)
     */
    public record Synth(@JsonProperty("playout-margin-ms") Integer playoutMarginMs,
                        @JsonProperty("max-sessions") Integer maxSessions,
                        @JsonProperty("speech-markers") Boolean speechMarkers,
                        @JsonProperty("max-pending-speaks") Integer maxPendingSpeaks,
                        @JsonProperty("max-text-chars") Integer maxTextChars,
                        @JsonProperty("session-idle-timeout-s") Integer sessionIdleTimeoutS,
                        @JsonProperty("max-sessions-per-address") Integer maxSessionsPerAddress,
                        @JsonProperty("unknown-voice") String unknownVoice) {
        public static final Synth DEFAULTS = new Synth(200, 500, false, 16, 20_000, 60, 250, "reject");

        public Synth {
            playoutMarginMs = or(playoutMarginMs, 200);
            maxSessions = or(maxSessions, 500);
            speechMarkers = or(speechMarkers, false);
            maxPendingSpeaks = or(maxPendingSpeaks, 16);
            maxTextChars = or(maxTextChars, 20_000);
            sessionIdleTimeoutS = or(sessionIdleTimeoutS, 60);
            // half the global cap: one PBX gets plenty, and one source (a PBX gone wrong, or a stranger) can never
            // take every session from the others; a site with one PBX sets it to max-sessions
            maxSessionsPerAddress = or(maxSessionsPerAddress, Math.max(1, maxSessions / 2));
            unknownVoice = or(unknownVoice, "reject");
        }

        public Synth(Integer playoutMarginMs, Integer maxSessions, Boolean speechMarkers, Integer maxPendingSpeaks) {
            this(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, null, null, null, null);
        }

        public Synth(Integer playoutMarginMs, Integer maxSessions, Boolean speechMarkers, Integer maxPendingSpeaks,
                     Integer maxTextChars, Integer sessionIdleTimeoutS, Integer maxSessionsPerAddress) {
            this(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, maxTextChars, sessionIdleTimeoutS,
                    maxSessionsPerAddress, null);
        }

        /** Whether an unregistered voice name falls back to the default voice instead of failing the SPEAK. */
        public boolean unknownVoiceFallsBack() {
            return unknownVoice.equals("default");
        }

        public Synth withUnknownVoice(String value) {
            return new Synth(playoutMarginMs, maxSessions, speechMarkers, maxPendingSpeaks, maxTextChars,
                    sessionIdleTimeoutS, maxSessionsPerAddress, value);
        }
    }

    /**
     * @param kind           {@code embedded} (MaryTTS, no model), {@code worker} (VoxCPM2 workers over gRPC)
     *                       or {@code vllm} (a vLLM-Omni endpoint)
     * @param threads        synthesis threads of the embedded engine
     * @param workers        worker endpoints, {@code host:port} each, or one DNS name
     * @param vllmUrl        base URL of a vLLM-Omni server
     * @param fallback       engine kinds tried in order when the ones before cannot take a SPEAK (down,
     *                       saturated): each takes its settings from this section; empty: no fallback
     * @param fallbackVoices {@code any} (a fallback speaks a cloned or designed voice's SPEAK in its own
     *                       voice) or {@code default-only} (such a SPEAK fails instead)
     * @param limits         how long the engine may keep a caller waiting ({@link EngineLimitsConfig})
     */
    public record Engine(String kind, Integer threads, List<String> workers, @JsonProperty("vllm-url") String vllmUrl,
                         @JsonProperty("vllm-model") String vllmModel,
                         @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> fallback,
                         @JsonProperty("fallback-voices") String fallbackVoices, EngineLimitsConfig limits) {
        public static final Engine DEFAULTS = new Engine("embedded", 2, List.of(), null, null);

        public Engine {
            kind = or(kind, "embedded");
            threads = or(threads, 2);
            workers = workers == null ? List.of() : List.copyOf(workers);
            vllmModel = or(vllmModel, "openbmb/VoxCPM2");
            fallback = fallback == null ? List.of() : fallback.stream().map(String::strip).toList();
            fallbackVoices = or(fallbackVoices, FallbackVoices.ANY.value());
            limits = or(limits, EngineLimitsConfig.DEFAULTS);
        }

        public Engine(String kind, Integer threads, List<String> workers, String vllmUrl, String vllmModel) {
            this(kind, threads, workers, vllmUrl, vllmModel, null, null, null);
        }

        public Engine withFallback(List<String> kinds, String voices) {
            return new Engine(kind, threads, workers, vllmUrl, vllmModel, kinds, voices, limits);
        }

        public Engine withLimits(EngineLimitsConfig newLimits) {
            return new Engine(kind, threads, workers, vllmUrl, vllmModel, fallback, fallbackVoices, newLimits);
        }

        /** The primary, then each fallback, as engines of their own (with this section's settings). */
        public List<Engine> chain() {
            List<Engine> all = new ArrayList<>();
            all.add(new Engine(kind, threads, workers, vllmUrl, vllmModel, null, null, limits));
            fallback.forEach(k -> all.add(new Engine(k, threads, workers, vllmUrl, vllmModel, null, null, limits)));
            return all;
        }
    }

    /**
     * @param enabled whether synthesized prompts are kept and replayed (a hit never touches the engine)
     * @param dir     where entries live; {@code render} and {@code say} fill the same directory
     * @param maxMb   size cap; the least recently used entries go first
     * @param frameTierMb memory for prompts already encoded for the wire, per codec and ptime, so a hit costs no
     *                disk read and no resampling and every session playing one prompt shares its frames; the least
     *                recently used go first (0 turns the tier off)
     */
    public record Cache(Boolean enabled, String dir, @JsonProperty("max-mb") Integer maxMb,
                        @JsonProperty("frame-tier-mb") Integer frameTierMb) {
        public static final Cache DEFAULTS = new Cache(true, "data/cache", 1024, 256);

        public Cache {
            enabled = or(enabled, true);
            dir = or(dir, "data/cache");
            maxMb = or(maxMb, 1024);
            frameTierMb = or(frameTierMb, 256);
        }

        public Cache(Boolean enabled, String dir, Integer maxMb) {
            this(enabled, dir, maxMb, null);
        }
    }

    /** @param dir the voice registry that {@code voices add} writes and dialplans name voices from */
    public record Voices(String dir) {
        public static final Voices DEFAULTS = new Voices("data/voices");

        public Voices {
            dir = or(dir, "data/voices");
        }
    }

    /**
     * @param allowedNetworks where RTP may go besides the address each INVITE came from, in CIDR notation
     *                        ({@code 10.1.0.0/16}, {@code 2001:db8::/48}, or one address): the media
     *                        gateways behind a SIP proxy. Empty (the default): only the SIP source.
     */
    public record Media(@JsonProperty("allowed-networks") List<String> allowedNetworks) {
        public static final Media DEFAULTS = new Media(List.of());

        public Media {
            allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        }

        /** The parsed networks; call on a {@link ServerConfig#validated() validated} configuration. */
        public List<IpNetwork> networks() {
            return allowedNetworks.stream().map(IpNetwork::parse).toList();
        }
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** Reads a YAML file; unknown keys are errors so that a typo never silently keeps a default. */
    public static ServerConfig load(Path file) throws ConfigException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            ServerConfig config = yaml.readValue(Files.readString(file), ServerConfig.class);
            return (config == null ? DEFAULTS : config).validated();
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key " + location(e) + UnknownKeys.hint(e));
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": " + e.getOriginalMessage() + " at " + location(e));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String location(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return path.length() == 0 ? "line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
                : "'" + path + "'";
    }

    /** Checks the values together; every problem is listed so the operator fixes them in one go. */
    public ServerConfig validated() throws ConfigException {
        List<String> problems = new ArrayList<>();
        checkPort(problems, "sip.port", sip.port());
        checkPort(problems, "mrcp.port", mrcp.port());
        if (rtp.portMin() < 1024 || rtp.portMax() > 65534 || rtp.portMin() >= rtp.portMax()) {
            problems.add("rtp.port-min/port-max must be a range within 1024-65534, got "
                    + rtp.portMin() + "-" + rtp.portMax());
        }
        if (rtp.ptimeMs() < 10 || rtp.ptimeMs() > 200 || rtp.ptimeMs() % 10 != 0) {
            problems.add("rtp.ptime-ms must be a multiple of 10 between 10 and 200, got " + rtp.ptimeMs());
        }
        if (synth.playoutMarginMs() < 0 || synth.playoutMarginMs() > 5000) {
            problems.add("synth.playout-margin-ms must be 0-5000, got " + synth.playoutMarginMs());
        }
        if (engine.threads() < 1 || engine.threads() > 64) {
            problems.add("engine.threads must be 1-64, got " + engine.threads());
        }
        if (synth.maxSessions() < 1) {
            problems.add("synth.max-sessions must be at least 1, got " + synth.maxSessions());
        }
        if (synth.maxPendingSpeaks() < 0 || synth.maxPendingSpeaks() > 64) {
            // 65 ids of 10 digits keep Active-Request-Id-List under UniMRCP's 1 KiB line limit
            problems.add("synth.max-pending-speaks must be 0-64, got " + synth.maxPendingSpeaks());
        }
        if (synth.maxTextChars() < 1) {
            problems.add("synth.max-text-chars must be at least 1, got " + synth.maxTextChars());
        }
        if (synth.sessionIdleTimeoutS() < 1) {
            problems.add("synth.session-idle-timeout-s must be at least 1, got " + synth.sessionIdleTimeoutS());
        }
        if (!synth.unknownVoice().equals("reject") && !synth.unknownVoice().equals("default")) {
            problems.add("synth.unknown-voice must be reject or default, got '" + synth.unknownVoice() + "'");
        }
        if (synth.maxSessionsPerAddress() < 1) {
            problems.add("synth.max-sessions-per-address must be at least 1, got " + synth.maxSessionsPerAddress());
        }
        if (mrcp.terminationTimeoutMs() < 0 || mrcp.inactivityTimeoutS() < 1) {
            problems.add("mrcp.termination-timeout-ms must be >= 0 and mrcp.inactivity-timeout-s >= 1");
        }
        if (mrcp.maxHeadBytes() < 1024 || mrcp.maxBodyBytes() < 1024 || mrcp.maxChannelsPerConnection() < 1) {
            problems.add("mrcp.max-head-bytes and mrcp.max-body-bytes must be at least 1024, "
                    + "mrcp.max-channels-per-connection at least 1");
        }
        checkEngineKind(problems, "engine.kind", engine.kind());
        List<String> seen = new ArrayList<>(List.of(engine.kind()));
        for (String kind : engine.fallback()) {
            if (seen.contains(kind)) {
                problems.add("engine.fallback lists '" + kind + "' twice (or repeats engine.kind)");
            } else {
                seen.add(kind);
                checkEngineKind(problems, "engine.fallback", kind);
            }
        }
        if (FallbackVoices.parse(engine.fallbackVoices()).isEmpty()) {
            problems.add("engine.fallback-voices must be any or default-only, got '" + engine.fallbackVoices() + "'");
        }
        try {
            mrcp.tcpLimits();
            new TcpLimits(sip.tcpMaxConnections(), sip.tcpMaxConnectionsPerAddress(), Duration.ofSeconds(1),
                    TcpLimits.HIGH_WATER_MARK);
        } catch (IllegalArgumentException e) {
            problems.add("mrcp/sip TCP limits: " + e.getMessage()
                    + " (max-connections-per-address <= max-connections, timeouts > 0, backlog >= 65536)");
        }
        if (mrcp.maxConnections() < synth.maxSessions()
                || mrcp.maxConnectionsPerAddress() < synth.maxSessionsPerAddress()) {
            // mod_unimrcp and app_unimrcp open one MRCP connection per session by default
            problems.add("mrcp.max-connections (" + mrcp.maxConnections() + ") and mrcp.max-connections-per-address ("
                    + mrcp.maxConnectionsPerAddress() + ") must be at least synth.max-sessions (" + synth.maxSessions()
                    + ") and synth.max-sessions-per-address (" + synth.maxSessionsPerAddress()
                    + "): a PBX opens one MRCP connection per session, and the sessions above the cap would get none");
        }
        if (mrcp.idleWithoutChannelS() < 1 || sip.tcpIdleTimeoutS() < 1) {
            problems.add("mrcp.idle-without-channel-s and sip.tcp-idle-timeout-s must be at least 1");
        }
        for (String network : media.allowedNetworks()) {
            try {
                IpNetwork.parse(network);
            } catch (IllegalArgumentException e) {
                problems.add("media.allowed-networks: " + e.getMessage());
            }
        }
        if (cache.maxMb() < 1) {
            problems.add("cache.max-mb must be at least 1, got " + cache.maxMb());
        }
        prompts.check(problems);
        if (cache.frameTierMb() < 0) {
            problems.add("cache.frame-tier-mb must be 0 (off) or more, got " + cache.frameTierMb());
        }
        security.validate(problems, sip.port(), mrcp.port());
        OpsConfig.check(http, drain, records, problems);
        admin.check(problems);
        limits.check(problems);
        engine.limits().check(problems);
        cost.validate(problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return this;
    }

    private void checkEngineKind(List<String> problems, String where, String kind) {
        switch (kind) {
            case "embedded" -> { }
            case "worker" -> {
                if (engine.workers().isEmpty()) {
                    problems.add(where + " 'worker' needs engine.workers (host:port entries or a DNS name)");
                }
            }
            case "vllm" -> {
                if (engine.vllmUrl() == null || engine.vllmUrl().isBlank()) {
                    problems.add(where + " 'vllm' needs engine.vllm-url, e.g. http://127.0.0.1:8091");
                }
            }
            default -> problems.add(where + " must be embedded, worker or vllm, got '" + kind + "'");
        }
    }

    private static void checkPort(List<String> problems, String name, int port) {
        if (port < 0 || port > 65535) {
            problems.add(name + " must be 0-65535, got " + port);
        }
    }

    public ServerConfig withSip(Sip s) {
        return new ServerConfig(s, mrcp, rtp, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withMrcp(Mrcp m) {
        return new ServerConfig(sip, m, rtp, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withRtp(Rtp r) {
        return new ServerConfig(sip, mrcp, r, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withSynth(Synth s) {
        return new ServerConfig(sip, mrcp, rtp, s, engine, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withEngine(Engine e) {
        return new ServerConfig(sip, mrcp, rtp, synth, e, cache, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withVoices(Voices v) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, v, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withCache(Cache c) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, c, voices, media, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withMedia(Media m) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, m, prompts, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withPrompts(PromptsConfig p) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, p, security,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withSecurity(SecurityConfig s) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, s,
                http, drain, records, admin, limits, cost);
    }

    public ServerConfig withAdmin(AdminConfig a) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security,
                http, drain, records, a, limits, cost);
    }

    public ServerConfig withOps(OpsConfig.Http h, OpsConfig.Drain d, OpsConfig.Records r) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security,
                h, d, r, admin, limits, cost);
    }

    /** A configuration mistake, worded for the operator. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}
