package io.voxcpm.server;

import static io.voxcpm.server.ConfigValues.or;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.voxcpm.chain.FallbackVoices;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code engine:} section: which engine speaks, and which take over when it cannot.
 *
 * @param kind           {@code embedded} (MaryTTS, no model), {@code worker} (VoxCPM2 workers over gRPC)
 *                       or {@code vllm} (a vLLM-Omni endpoint)
 * @param threads        synthesis threads of the embedded engine
 * @param workers        worker endpoints, {@code host:port} each, or one DNS name
 * @param vllmUrl        base URL of a vLLM-Omni server
 * @param vllmModel      the model name asked of vLLM-Omni
 * @param fallback       engine kinds tried in order when the ones before cannot take a SPEAK (down,
 *                       saturated): each takes its settings from this section; empty: no fallback
 * @param fallbackVoices {@code any} (a fallback speaks a cloned or designed voice's SPEAK in its own
 *                       voice) or {@code default-only} (such a SPEAK fails instead)
 * @param limits         how long the engine may keep a caller waiting ({@link EngineLimitsConfig})
 */
public record EngineConfig(String kind, Integer threads, List<String> workers,
                           @JsonProperty("vllm-url") String vllmUrl,
                           @JsonProperty("vllm-model") String vllmModel,
                           @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> fallback,
                           @JsonProperty("fallback-voices") String fallbackVoices, EngineLimitsConfig limits) {

    public static final EngineConfig DEFAULTS = new EngineConfig(null, null, null, null, null);

    public EngineConfig {
        kind = or(kind, "embedded");
        threads = or(threads, 2);
        workers = workers == null ? List.of() : List.copyOf(workers);
        vllmModel = or(vllmModel, "openbmb/VoxCPM2");
        fallback = fallback == null ? List.of() : fallback.stream().map(String::strip).toList();
        fallbackVoices = or(fallbackVoices, FallbackVoices.ANY.value());
        limits = or(limits, EngineLimitsConfig.DEFAULTS);
    }

    public EngineConfig(String kind, Integer threads, List<String> workers, String vllmUrl, String vllmModel) {
        this(kind, threads, workers, vllmUrl, vllmModel, null, null, null);
    }

    public EngineConfig withKind(String value) {
        return new EngineConfig(value, threads, workers, vllmUrl, vllmModel, fallback, fallbackVoices, limits);
    }

    public EngineConfig withThreads(int value) {
        return new EngineConfig(kind, value, workers, vllmUrl, vllmModel, fallback, fallbackVoices, limits);
    }

    public EngineConfig withWorkers(List<String> value) {
        return new EngineConfig(kind, threads, value, vllmUrl, vllmModel, fallback, fallbackVoices, limits);
    }

    public EngineConfig withVllmUrl(String value) {
        return new EngineConfig(kind, threads, workers, value, vllmModel, fallback, fallbackVoices, limits);
    }

    public EngineConfig withFallback(List<String> kinds, String voices) {
        return new EngineConfig(kind, threads, workers, vllmUrl, vllmModel, kinds, voices, limits);
    }

    public EngineConfig withLimits(EngineLimitsConfig newLimits) {
        return new EngineConfig(kind, threads, workers, vllmUrl, vllmModel, fallback, fallbackVoices, newLimits);
    }

    /** The primary, then each fallback, as engines of their own (with this section's settings). */
    public List<EngineConfig> chain() {
        List<EngineConfig> all = new ArrayList<>();
        all.add(withFallback(null, null));
        fallback.forEach(k -> all.add(withKind(k).withFallback(null, null)));
        return all;
    }

    void check(List<String> problems) {
        if (threads < 1 || threads > 64) {
            problems.add("engine.threads must be 1-64, got " + threads);
        }
        checkKind(problems, "engine.kind", kind);
        List<String> seen = new ArrayList<>(List.of(kind));
        for (String other : fallback) {
            if (seen.contains(other)) {
                problems.add("engine.fallback lists '" + other + "' twice (or repeats engine.kind)");
            } else {
                seen.add(other);
                checkKind(problems, "engine.fallback", other);
            }
        }
        if (FallbackVoices.parse(fallbackVoices).isEmpty()) {
            problems.add("engine.fallback-voices must be any or default-only, got '" + fallbackVoices + "'");
        }
        limits.check(problems);
    }

    private void checkKind(List<String> problems, String where, String value) {
        switch (value) {
            case "embedded" -> { }
            case "worker" -> {
                if (workers.isEmpty()) {
                    problems.add(where + " 'worker' needs engine.workers (host:port entries or a DNS name)");
                }
            }
            case "vllm" -> {
                if (vllmUrl == null || vllmUrl.isBlank()) {
                    problems.add(where + " 'vllm' needs engine.vllm-url, e.g. http://127.0.0.1:8091");
                }
            }
            default -> problems.add(where + " must be embedded, worker or vllm, got '" + value + "'");
        }
    }
}
