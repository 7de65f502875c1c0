package io.voxcpm.server;

import io.voxcpm.bridge.BridgeConfig;
import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.SpeechEngine;
import java.util.HashMap;
import java.util.Map;

/** Creates the configured speech engine; public so end-to-end tests build it the way the server does. */
public final class Engines {

    private Engines() {
    }

    /** An engine without registered voices (tests, and engines that need none). */
    public static SpeechEngine create(ServerConfig.Engine config) throws VoxcpmMrcpServer.StartupException {
        return create(config, VoiceSource.NONE);
    }

    /** @param voices reference recordings of registered voices, pushed to model workers on demand */
    public static SpeechEngine create(ServerConfig.Engine config, VoiceSource voices)
            throws VoxcpmMrcpServer.StartupException {
        try {
            return switch (config.kind()) {
                case "embedded" -> new EmbeddedEngine(config.threads());
                case "worker" -> bridge(Map.of("bridge.kind", "worker",
                        "bridge.endpoints", String.join(",", config.workers())), voices);
                case "vllm" -> {
                    Map<String, String> props = new HashMap<>();
                    props.put("bridge.kind", "vllm-omni");
                    props.put("bridge.vllm.url", config.vllmUrl());
                    props.put("bridge.vllm.model", config.vllmModel());
                    yield bridge(props, voices);
                }
                default -> throw new VoxcpmMrcpServer.StartupException("unknown engine kind '" + config.kind() + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new VoxcpmMrcpServer.StartupException("engine " + config.kind() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Names the model behind an engine kind inside prompt-cache keys. The CLI's {@code render}/{@code say}
     * use the same strings, so what they pre-render is what a call hits.
     */
    static String modelVersion(ServerConfig.Engine config) {
        return switch (config.kind()) {
            case "embedded" -> EngineProvider.embedded().modelVersion();
            case "vllm" -> "vllm-omni/" + config.vllmModel();
            default -> "voxcpm2";
        };
    }

    private static SpeechEngine bridge(Map<String, String> properties, VoiceSource voices) {
        return BridgeConfig.fromProperties(properties).createEngine(voices);
    }
}
