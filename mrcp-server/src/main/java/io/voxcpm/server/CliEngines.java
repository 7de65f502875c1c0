package io.voxcpm.server;

import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.cli.EngineOptions;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.request.VoiceCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The engines {@code say} and {@code render} speak with: the same kinds as the server, configured from
 * the server's YAML ({@code $VOXCPM_MRCP_CONFIG}, else {@code ./voxcpm-mrcp.yaml} when present), so a
 * pre-rendered prompt lands under the cache key a call will look up.
 */
final class CliEngines implements EngineProvider {

    static final String CONFIG_ENV = "VOXCPM_MRCP_CONFIG";
    static final Path DEFAULT_CONFIG = Path.of("voxcpm-mrcp.yaml");

    private final Supplier<RegisteredVoices> voices;
    private volatile ServerConfig.Engine opened = ServerConfig.Engine.DEFAULTS;

    /** @param voices the registry, opened when a command first needs it */
    CliEngines(Supplier<RegisteredVoices> voices) {
        this.voices = voices;
    }

    @Override
    public SpeechEngine open(EngineOptions options) {
        ServerConfig.Engine configured = configuredEngine();
        ServerConfig.Engine engine = new ServerConfig.Engine(options.kind(), options.threads(), configured.workers(),
                configured.vllmUrl(), configured.vllmModel());
        try {
            ServerConfig.DEFAULTS.withEngine(engine).validated();
            SpeechEngine created = Engines.create(engine, name -> voices.get().find(name));
            opened = engine;
            return created;
        } catch (ServerConfig.ConfigException | VoxcpmMrcpServer.StartupException e) {
            throw new IllegalArgumentException(e.getMessage()
                    + " (the engine settings come from $" + CONFIG_ENV + " or ./" + DEFAULT_CONFIG + ")", e);
        }
    }

    /** The model of the engine opened last: the commands ask after opening it. */
    @Override
    public String modelVersion() {
        return Engines.modelVersion(opened);
    }

    @Override
    public VoiceVersions voiceVersions() {
        return name -> voices.get().versionOf(name);
    }

    @Override
    public VoiceCatalog voiceCatalog() {
        return name -> voices.get().catalog().find(name);
    }

    private static ServerConfig.Engine configuredEngine() {
        String env = System.getenv(CONFIG_ENV);
        Path file = env != null && !env.isBlank() ? Path.of(env) : DEFAULT_CONFIG;
        if (env == null && !Files.exists(file)) {
            return ServerConfig.Engine.DEFAULTS;
        }
        try {
            return ServerConfig.load(file).engine();
        } catch (ServerConfig.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
