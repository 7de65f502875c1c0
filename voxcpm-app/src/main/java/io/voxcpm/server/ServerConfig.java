package io.voxcpm.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.voxcpm.admin.AdminConfig;
import io.voxcpm.admin.UnknownKeys;
import io.voxcpm.net.TcpLimits;
import io.voxcpm.ops.DrainConfig;
import io.voxcpm.ops.HttpConfig;
import io.voxcpm.ops.RecordsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything the server can be told, with UniMRCP's defaults so existing PBX profiles work unchanged. Read from
 * YAML ({@code --config}); command-line options override single values. One component per YAML section, each a
 * record of its own that fills its defaults and checks its own keys; this class only holds them together and
 * checks what spans sections.
 *
 * <p>Build one from {@link #DEFAULTS} and the {@code withX} methods (never the canonical constructor), so that a
 * new section breaks no caller. Adding a section: a component here, its default in the compact constructor, and
 * one line each in {@link Builder} and a {@code withX}.
 */
public record ServerConfig(SipEndpointConfig sip, MrcpConfig mrcp, RtpConfig rtp, SynthConfig synth,
                           EngineConfig engine, CacheConfig cache, VoicesConfig voices, MediaConfig media,
                           PromptsConfig prompts, SecurityConfig security, HttpConfig http, DrainConfig drain,
                           RecordsConfig records, AdminConfig admin, LimitsConfig limits, CostConfig cost) {

    public static final ServerConfig DEFAULTS = new Builder().build();

    public ServerConfig {
        sip = ConfigValues.or(sip, SipEndpointConfig.DEFAULTS);
        mrcp = ConfigValues.or(mrcp, MrcpConfig.DEFAULTS);
        rtp = ConfigValues.or(rtp, RtpConfig.DEFAULTS);
        synth = ConfigValues.or(synth, SynthConfig.DEFAULTS);
        engine = ConfigValues.or(engine, EngineConfig.DEFAULTS);
        cache = ConfigValues.or(cache, CacheConfig.DEFAULTS);
        voices = ConfigValues.or(voices, VoicesConfig.DEFAULTS);
        media = ConfigValues.or(media, MediaConfig.DEFAULTS);
        prompts = ConfigValues.or(prompts, PromptsConfig.DEFAULTS);
        security = ConfigValues.or(security, SecurityConfig.DEFAULTS);
        http = ConfigValues.or(http, HttpConfig.DEFAULTS);
        drain = ConfigValues.or(drain, DrainConfig.DEFAULTS);
        records = ConfigValues.or(records, RecordsConfig.DEFAULTS);
        admin = ConfigValues.or(admin, AdminConfig.DEFAULTS);
        limits = ConfigValues.or(limits, LimitsConfig.DEFAULTS);
        cost = ConfigValues.or(cost, CostConfig.DEFAULTS);
    }

    /** Reads a YAML file; unknown keys are errors so that a typo never silently keeps a default. */
    public static ServerConfig load(Path file) throws ConfigException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            String text = Files.readString(file);
            // a file with every key commented out is the defaults, where Jackson sees no content to map
            JsonNode tree = yaml.readTree(text);
            boolean empty = tree.isMissingNode() || tree.isNull();
            return (empty ? DEFAULTS : yaml.readValue(text, ServerConfig.class)).validated();
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

    /** Checks every section, then what spans sections; every problem is listed so the operator fixes them at once. */
    public ServerConfig validated() throws ConfigException {
        List<String> problems = new ArrayList<>();
        sip.check(problems);
        mrcp.check(problems);
        rtp.check(problems);
        synth.check(problems);
        engine.check(problems);
        cache.check(problems);
        media.check(problems);
        prompts.check(problems);
        security.validate(problems, sip.port(), mrcp.port());
        http.check(problems);
        drain.check(problems);
        records.check(problems);
        admin.check(problems);
        limits.check(problems);
        cost.validate(problems);
        checkConnections(problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return this;
    }

    /** The TCP caps of SIP and MRCP, against each other and against the session caps. */
    private void checkConnections(List<String> problems) {
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
    }

    public ServerConfig withSip(SipEndpointConfig v) {
        return with(b -> b.sip = v);
    }

    public ServerConfig withMrcp(MrcpConfig v) {
        return with(b -> b.mrcp = v);
    }

    public ServerConfig withRtp(RtpConfig v) {
        return with(b -> b.rtp = v);
    }

    public ServerConfig withSynth(SynthConfig v) {
        return with(b -> b.synth = v);
    }

    public ServerConfig withEngine(EngineConfig v) {
        return with(b -> b.engine = v);
    }

    public ServerConfig withCache(CacheConfig v) {
        return with(b -> b.cache = v);
    }

    public ServerConfig withVoices(VoicesConfig v) {
        return with(b -> b.voices = v);
    }

    public ServerConfig withMedia(MediaConfig v) {
        return with(b -> b.media = v);
    }

    public ServerConfig withPrompts(PromptsConfig v) {
        return with(b -> b.prompts = v);
    }

    public ServerConfig withSecurity(SecurityConfig v) {
        return with(b -> b.security = v);
    }

    public ServerConfig withHttp(HttpConfig v) {
        return with(b -> b.http = v);
    }

    public ServerConfig withDrain(DrainConfig v) {
        return with(b -> b.drain = v);
    }

    public ServerConfig withRecords(RecordsConfig v) {
        return with(b -> b.records = v);
    }

    public ServerConfig withAdmin(AdminConfig v) {
        return with(b -> b.admin = v);
    }

    public ServerConfig withLimits(LimitsConfig v) {
        return with(b -> b.limits = v);
    }

    public ServerConfig withCost(CostConfig v) {
        return with(b -> b.cost = v);
    }

    private ServerConfig with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** The one place besides the header that lists every section; null takes the section's defaults. */
    private static final class Builder {
        SipEndpointConfig sip;
        MrcpConfig mrcp;
        RtpConfig rtp;
        SynthConfig synth;
        EngineConfig engine;
        CacheConfig cache;
        VoicesConfig voices;
        MediaConfig media;
        PromptsConfig prompts;
        SecurityConfig security;
        HttpConfig http;
        DrainConfig drain;
        RecordsConfig records;
        AdminConfig admin;
        LimitsConfig limits;
        CostConfig cost;

        Builder() {
        }

        Builder(ServerConfig c) {
            sip = c.sip;
            mrcp = c.mrcp;
            rtp = c.rtp;
            synth = c.synth;
            engine = c.engine;
            cache = c.cache;
            voices = c.voices;
            media = c.media;
            prompts = c.prompts;
            security = c.security;
            http = c.http;
            drain = c.drain;
            records = c.records;
            admin = c.admin;
            limits = c.limits;
            cost = c.cost;
        }

        ServerConfig build() {
            return new ServerConfig(sip, mrcp, rtp, synth, engine, cache, voices, media, prompts, security, http,
                    drain, records, admin, limits, cost);
        }
    }

    /** A configuration mistake, worded for the operator. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }
}
