package io.voxcpm.server;

import io.voxcpm.bridge.BridgeConfig;
import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.chain.EngineChain;
import io.voxcpm.chain.FallbackVoices;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.SpeechEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Creates the configured speech engine; public so end-to-end tests build it the way the server does. */
public final class Engines {

    private Engines() {
    }

    /** Wraps one engine of the chain (the server puts each behind the prompt cache). */
    @FunctionalInterface
    interface Decorator {
        Decorator NONE = (engine, config) -> engine;

        SpeechEngine decorate(SpeechEngine engine, EngineConfig config) throws VoxcpmMrcpServer.StartupException;
    }

    /** The configured engine (and its fallbacks) without registered voices: tests, and engines that need none. */
    public static SpeechEngine create(EngineConfig config) throws VoxcpmMrcpServer.StartupException {
        return create(config, VoiceSource.NONE);
    }

    /** @param voices reference recordings of registered voices, pushed to model workers on demand */
    public static SpeechEngine create(EngineConfig config, VoiceSource voices)
            throws VoxcpmMrcpServer.StartupException {
        return create(config, voices, Decorator.NONE);
    }

    /** @param worker the token and TLS settings towards model workers ({@code security.worker}) */
    public static SpeechEngine create(EngineConfig config, VoiceSource voices, SecurityConfig.Worker worker)
            throws VoxcpmMrcpServer.StartupException {
        return create(config, voices, Decorator.NONE, worker);
    }

    static SpeechEngine create(EngineConfig config, VoiceSource voices, Decorator decorator)
            throws VoxcpmMrcpServer.StartupException {
        return create(config, voices, decorator, SecurityConfig.Worker.DEFAULTS);
    }

    /**
     * The engine {@code config.kind} names; with {@code config.fallback}, an {@link EngineChain} of it and
     * each fallback, every one decorated on its own (so each has its own cache keys) and the chain outside.
     */
    static SpeechEngine create(EngineConfig config, VoiceSource voices, Decorator decorator,
                               SecurityConfig.Worker worker) throws VoxcpmMrcpServer.StartupException {
        List<SpeechEngine> links = new ArrayList<>();
        try {
            for (EngineConfig one : config.chain()) {
                SpeechEngine engine = single(one, voices, worker);
                try {
                    links.add(decorator.decorate(engine, one));
                } catch (VoxcpmMrcpServer.StartupException | RuntimeException e) {
                    engine.close();
                    throw e;
                }
            }
            if (links.size() == 1) {
                return links.get(0);
            }
            FallbackVoices policy = FallbackVoices.parse(config.fallbackVoices()).orElseThrow(() ->
                    new VoxcpmMrcpServer.StartupException("engine.fallback-voices: '" + config.fallbackVoices() + "'"));
            return new EngineChain(links, policy);
        } catch (VoxcpmMrcpServer.StartupException | RuntimeException e) {
            links.forEach(SpeechEngine::close);
            if (e instanceof IllegalArgumentException) {
                throw new VoxcpmMrcpServer.StartupException("engine chain: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static SpeechEngine single(EngineConfig config, VoiceSource voices, SecurityConfig.Worker worker)
            throws VoxcpmMrcpServer.StartupException {
        try {
            return switch (config.kind()) {
                case "embedded" -> new EmbeddedEngine(config.threads());
                case "worker" -> bridge(workerProperties(config, worker), voices);
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
    static String modelVersion(EngineConfig config) {
        return switch (config.kind()) {
            case "embedded" -> EngineProvider.embedded().modelVersion();
            case "vllm" -> "vllm-omni/" + config.vllmModel();
            default -> "voxcpm2";
        };
    }

    /** The worker bridge's {@code bridge.*} keys: endpoints, security, stall timeouts. */
    static Map<String, String> workerProperties(EngineConfig config, SecurityConfig.Worker worker) {
        Map<String, String> props = new HashMap<>(worker.bridgeProperties());
        props.putAll(config.limits().bridgeProperties());
        props.put("bridge.kind", "worker");
        props.put("bridge.endpoints", String.join(",", config.workers()));
        return props;
    }

    private static SpeechEngine bridge(Map<String, String> properties, VoiceSource voices) {
        return BridgeConfig.fromProperties(properties).createEngine(voices);
    }
}
