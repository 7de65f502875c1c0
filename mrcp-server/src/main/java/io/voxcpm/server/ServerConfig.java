package io.voxcpm.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the server can be told, with UniMRCP's defaults so existing PBX profiles work unchanged.
 * Read from YAML ({@code --config}); command-line options override single values.
 */
public record ServerConfig(Sip sip, Mrcp mrcp, Rtp rtp, Synth synth, Engine engine, Cache cache, Voices voices) {

    public static final ServerConfig DEFAULTS = new ServerConfig(Sip.DEFAULTS, Mrcp.DEFAULTS, Rtp.DEFAULTS,
            Synth.DEFAULTS, Engine.DEFAULTS, Cache.DEFAULTS, Voices.DEFAULTS);

    public ServerConfig {
        sip = sip == null ? Sip.DEFAULTS : sip;
        mrcp = mrcp == null ? Mrcp.DEFAULTS : mrcp;
        rtp = rtp == null ? Rtp.DEFAULTS : rtp;
        synth = synth == null ? Synth.DEFAULTS : synth;
        engine = engine == null ? Engine.DEFAULTS : engine;
        cache = cache == null ? Cache.DEFAULTS : cache;
        voices = voices == null ? Voices.DEFAULTS : voices;
    }

    /**
     * @param address           the local address to listen on
     * @param port              UDP and TCP port; 0 picks a free one (tests)
     * @param advertisedAddress the address written into SDP answers and Contact headers (behind NAT); when
     *                          null, the address each request arrived on
     * @param t1Ms              RFC 3261 T1, the base of the UDP retransmission timers
     */
    public record Sip(String address, Integer port, @JsonProperty("advertised-address") String advertisedAddress,
                      @JsonProperty("t1-ms") Integer t1Ms) {
        public static final Sip DEFAULTS = new Sip("0.0.0.0", 8060, null, 500);

        public Sip {
            address = or(address, "0.0.0.0");
            port = or(port, 8060);
            t1Ms = or(t1Ms, 500);
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
     */
    public record Mrcp(Integer port, @JsonProperty("inactivity-timeout-s") Integer inactivityTimeoutS,
                       @JsonProperty("termination-timeout-ms") Integer terminationTimeoutMs,
                       @JsonProperty("max-head-bytes") Integer maxHeadBytes,
                       @JsonProperty("max-body-bytes") Integer maxBodyBytes,
                       @JsonProperty("max-channels-per-connection") Integer maxChannelsPerConnection) {
        public static final Mrcp DEFAULTS = new Mrcp(1544, 600, 3000, 16 * 1024, 256 * 1024, 1000);

        public Mrcp {
            port = or(port, 1544);
            inactivityTimeoutS = or(inactivityTimeoutS, 600);
            terminationTimeoutMs = or(terminationTimeoutMs, 3000);
            maxHeadBytes = or(maxHeadBytes, 16 * 1024);
            maxBodyBytes = or(maxBodyBytes, 256 * 1024);
            maxChannelsPerConnection = or(maxChannelsPerConnection, 1000);
        }

        public Mrcp(Integer port, Integer inactivityTimeoutS, Integer terminationTimeoutMs) {
            this(port, inactivityTimeoutS, terminationTimeoutMs, null, null, null);
        }

        public Mrcp withPort(int newPort) {
            return new Mrcp(newPort, inactivityTimeoutS, terminationTimeoutMs, maxHeadBytes, maxBodyBytes,
                    maxChannelsPerConnection);
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
     * @param maxSessionsPerAddress concurrent sessions from one client IP before its INVITEs get 480
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
        public static final Synth DEFAULTS = new Synth(200, 500, false, 16, 20_000, 60, 500, "reject");

        public Synth {
            playoutMarginMs = or(playoutMarginMs, 200);
            maxSessions = or(maxSessions, 500);
            speechMarkers = or(speechMarkers, false);
            maxPendingSpeaks = or(maxPendingSpeaks, 16);
            maxTextChars = or(maxTextChars, 20_000);
            sessionIdleTimeoutS = or(sessionIdleTimeoutS, 60);
            maxSessionsPerAddress = or(maxSessionsPerAddress, maxSessions);
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
     * @param kind      {@code embedded} (MaryTTS, no model), {@code worker} (VoxCPM2 workers over gRPC)
     *                  or {@code vllm} (a vLLM-Omni endpoint)
     * @param threads   synthesis threads of the embedded engine
     * @param workers   worker endpoints, {@code host:port} each, or one DNS name
     * @param vllmUrl   base URL of a vLLM-Omni server
     */
    public record Engine(String kind, Integer threads, List<String> workers, @JsonProperty("vllm-url") String vllmUrl,
                         @JsonProperty("vllm-model") String vllmModel) {
        public static final Engine DEFAULTS = new Engine("embedded", 2, List.of(), null, null);

        public Engine {
            kind = or(kind, "embedded");
            threads = or(threads, 2);
            workers = workers == null ? List.of() : List.copyOf(workers);
            vllmModel = or(vllmModel, "openbmb/VoxCPM2");
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
        switch (engine.kind()) {
            case "embedded" -> { }
            case "worker" -> {
                if (engine.workers().isEmpty()) {
                    problems.add("engine.kind 'worker' needs engine.workers (host:port entries or a DNS name)");
                }
            }
            case "vllm" -> {
                if (engine.vllmUrl() == null || engine.vllmUrl().isBlank()) {
                    problems.add("engine.kind 'vllm' needs engine.vllm-url, e.g. http://127.0.0.1:8091");
                }
            }
            default -> problems.add("engine.kind must be embedded, worker or vllm, got '" + engine.kind() + "'");
        }
        if (cache.maxMb() < 1) {
            problems.add("cache.max-mb must be at least 1, got " + cache.maxMb());
        }
        if (cache.frameTierMb() < 0) {
            problems.add("cache.frame-tier-mb must be 0 (off) or more, got " + cache.frameTierMb());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return this;
    }

    private static void checkPort(List<String> problems, String name, int port) {
        if (port < 0 || port > 65535) {
            problems.add(name + " must be 0-65535, got " + port);
        }
    }

    public ServerConfig withSip(Sip s) {
        return new ServerConfig(s, mrcp, rtp, synth, engine, cache, voices);
    }

    public ServerConfig withMrcp(Mrcp m) {
        return new ServerConfig(sip, m, rtp, synth, engine, cache, voices);
    }

    public ServerConfig withRtp(Rtp r) {
        return new ServerConfig(sip, mrcp, r, synth, engine, cache, voices);
    }

    public ServerConfig withSynth(Synth s) {
        return new ServerConfig(sip, mrcp, rtp, s, engine, cache, voices);
    }

    public ServerConfig withEngine(Engine e) {
        return new ServerConfig(sip, mrcp, rtp, synth, e, cache, voices);
    }

    public ServerConfig withVoices(Voices v) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, v);
    }

    public ServerConfig withCache(Cache c) {
        return new ServerConfig(sip, mrcp, rtp, synth, engine, c, voices);
    }

    /** A configuration mistake, worded for the operator. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}
