package io.voxcpm.server;

import io.voxcpm.bridge.RegistryVoices;
import io.voxcpm.bridge.VllmOmniEngine;
import io.voxcpm.bridge.VoiceSample;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.cli.EngineOptions;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.voice.Voice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    private volatile EngineConfig opened = EngineConfig.DEFAULTS;

    /** @param voices the registry, opened when a command first needs it */
    CliEngines(Supplier<RegisteredVoices> voices) {
        this.voices = voices;
    }

    @Override
    public SpeechEngine open(EngineOptions options) {
        ServerConfig configuredAll = configured();
        EngineConfig configured = configuredAll.engine();
        // the command's options, else the file's section without its fallbacks (a command speaks with one engine)
        EngineConfig engine = configured.withFallback(null, null).withThreads(options.threads());
        engine = options.kind() != null ? engine.withKind(options.kind()) : engine;
        engine = options.workers().isEmpty() ? engine : engine.withWorkers(options.workers());
        try {
            ServerConfig.DEFAULTS.withEngine(engine).validated();
            SpeechEngine created = Engines.create(engine, name -> voices.get().find(name),
                    configuredAll.security().worker());
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

    /** Worker engines keep voices in each worker's voice directory, vLLM-Omni in its speaker directory. */
    @Override
    public List<String> forgetVoice(EngineOptions options, List<Voice> versions) throws IOException {
        List<VoiceSample> samples = versions.stream().map(RegistryVoices::sample).flatMap(Optional::stream).toList();
        String kind = options.kind() != null ? options.kind() : configured().engine().kind();
        if (samples.isEmpty() || !("worker".equals(kind) || "vllm".equals(kind))) {
            return List.of();
        }
        try (var engine = open(new EngineOptions(kind, 1, options.workers()))) {
            if (engine instanceof WorkerEngine workers) {
                return workers.forgetVoices(samples);
            }
            return engine instanceof VllmOmniEngine vllm ? vllm.forgetVoices(samples) : List.of();
        }
    }

    @Override
    public VoiceVersions voiceVersions() {
        return name -> voices.get().versionOf(name);
    }

    @Override
    public VoiceCatalog voiceCatalog() {
        return name -> voices.get().catalog().find(name);
    }

    /** The server's cache.dir, so that {@code voices remove} purges the cache the server fills. */
    @Override
    public Path cacheDirectory() {
        return Path.of(configured().cache().dir());
    }
    private static ServerConfig configured() {
        String env = System.getenv(CONFIG_ENV);
        Path file = env != null && !env.isBlank() ? Path.of(env) : DEFAULT_CONFIG;
        if (env == null && !Files.exists(file)) {
            return ServerConfig.DEFAULTS;
        }
        try {
            return ServerConfig.load(file);
        } catch (ServerConfig.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
