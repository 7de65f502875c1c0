package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    @Test
    void workerKindReadsEveryKeyWithDefaults() {
        BridgeConfig c = BridgeConfig.fromProperties(Map.of(
                WorkerPoolConfig.ENDPOINTS, "w1:50051,w2:50051",
                WorkerPoolConfig.MAX_CONCURRENT, "3",
                WorkerPoolConfig.SYNTHESIS_DEADLINE, "90s",
                WorkerPoolConfig.KEEPALIVE_TIME, "PT5S",
                WorkerPoolConfig.BREAKER_INITIAL_BACKOFF, "250ms"));

        assertThat(c.kind()).isEqualTo(BridgeConfig.Kind.WORKER);
        WorkerPoolConfig w = c.worker();
        assertThat(w.endpoints()).isEqualTo("w1:50051,w2:50051");
        assertThat(w.maxConcurrentPerEndpoint()).isEqualTo(3);
        assertThat(w.synthesisDeadline()).isEqualTo(Duration.ofSeconds(90));
        assertThat(w.keepAliveTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(w.breakerInitialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(w.breakerFailureThreshold()).isEqualTo(3);
        assertThat(w.healthService()).isEmpty();
    }

    @Test
    void vllmKindNeedsAUrl() {
        BridgeConfig c = BridgeConfig.fromProperties(Map.of(BridgeConfig.KIND, "vllm-omni",
                VllmOmniConfig.URL, "http://tts:8000/"));
        assertThat(c.vllm().speechUri().toString()).isEqualTo("http://tts:8000/v1/audio/speech");
        assertThat(c.vllm().voice()).isEqualTo("default");
        assertThat(c.vllm().model()).isNull();

        assertThatThrownBy(() -> BridgeConfig.fromProperties(Map.of(BridgeConfig.KIND, "vllm-omni")))
                .hasMessageContaining(VllmOmniConfig.URL);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> BridgeConfig.fromProperties(Map.of()))
                .hasMessageContaining(WorkerPoolConfig.ENDPOINTS);
        assertThatThrownBy(() -> BridgeConfig.fromProperties(Map.of(WorkerPoolConfig.ENDPOINTS, "w:1",
                WorkerPoolConfig.RPC_DEADLINE, "soon"))).hasMessageContaining(WorkerPoolConfig.RPC_DEADLINE);
        assertThatThrownBy(() -> BridgeConfig.fromProperties(Map.of(WorkerPoolConfig.ENDPOINTS, "w:1",
                WorkerPoolConfig.MAX_CONCURRENT, "0"))).hasMessageContaining(WorkerPoolConfig.MAX_CONCURRENT);
        assertThatThrownBy(() -> BridgeConfig.fromProperties(Map.of(BridgeConfig.KIND, "grpc")))
                .hasMessageContaining(BridgeConfig.KIND);
    }
}
