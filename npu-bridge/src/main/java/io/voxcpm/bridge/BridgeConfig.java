package io.voxcpm.bridge;

import io.voxcpm.engine.SpeechEngine;
import java.util.Locale;
import java.util.Map;

/**
 * Which remote engine the server uses and how to reach it.
 *
 * @param kind   {@value #KIND}: {@code worker} (VoxCPM2 gRPC workers) or {@code vllm-omni}
 * @param worker set when kind is WORKER
 * @param vllm   set when kind is VLLM_OMNI
 */
public record BridgeConfig(Kind kind, WorkerPoolConfig worker, VllmOmniConfig vllm) {

    public static final String KIND = "bridge.kind";

    public enum Kind { WORKER, VLLM_OMNI }

    public BridgeConfig {
        if (kind == Kind.WORKER && worker == null || kind == Kind.VLLM_OMNI && vllm == null) {
            throw new IllegalArgumentException("no settings given for bridge kind " + kind);
        }
    }

    /** Reads {@value #KIND} (default {@code worker}) and the keys of the chosen kind's config record. */
    public static BridgeConfig fromProperties(Map<String, String> props) {
        String kind = new ConfigValues(props).string(KIND, "worker").toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "worker" -> new BridgeConfig(Kind.WORKER, WorkerPoolConfig.fromProperties(props), null);
            case "vllm-omni", "vllm" -> new BridgeConfig(Kind.VLLM_OMNI, null, VllmOmniConfig.fromProperties(props));
            default -> throw new IllegalArgumentException(KIND + " must be worker or vllm-omni, got " + kind);
        };
    }

    /** Builds the engine; for WORKER this opens channels and starts health checks. */
    public SpeechEngine createEngine(VoiceSource voices) {
        return switch (kind) {
            case WORKER -> WorkerEngine.start(worker, voices);
            case VLLM_OMNI -> new VllmOmniEngine(vllm, voices);
        };
    }
}
