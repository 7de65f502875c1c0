package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.bridge.StallTimeouts;
import io.voxcpm.bridge.WorkerPoolConfig;
import io.voxcpm.share.FairShare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code engine.limits}: the worker stall timeouts from YAML to the worker pool, and what is refused. */
class EngineLimitsConfigTest {

    @TempDir
    Path dir;

    private ServerConfig yaml(String text) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, text);
        return ServerConfig.load(file);
    }

    private static StallTimeouts stallOf(EngineConfig engine) {
        return WorkerPoolConfig.fromProperties(Engines.workerProperties(engine, SecurityConfig.DEFAULTS.worker()),
                name -> null).stall();
    }

    @Test
    void theStallTimeoutsReachTheWorkerPoolAlsoAsAFallback() throws Exception {
        String limits = "  limits:\n    first-chunk-timeout-ms: 4000\n    chunk-stall-timeout-ms: 1500\n";
        StallTimeouts expected = new StallTimeouts(Duration.ofSeconds(4), Duration.ofMillis(1500));
        ServerConfig primary = yaml("engine:\n  kind: worker\n  workers: [127.0.0.1:50051]\n" + limits);
        assertThat(stallOf(primary.engine())).isEqualTo(expected);
        ServerConfig fallback = yaml("engine:\n  kind: vllm\n  vllm-url: http://127.0.0.1:8091\n"
                + "  workers: [127.0.0.1:50051]\n  fallback: [worker, embedded]\n" + limits);
        assertThat(fallback.engine().chain()).filteredOn(e -> e.kind().equals("worker")).singleElement()
                .satisfies(worker -> assertThat(stallOf(worker)).isEqualTo(expected));
    }

    @Test
    void withoutTheBlockTheBridgeDefaultsHold() throws Exception {
        ServerConfig config = yaml("engine:\n  kind: worker\n  workers: [127.0.0.1:50051]\n");
        assertThat(config.engine().limits()).isEqualTo(EngineLimitsConfig.DEFAULTS);
        assertThat(stallOf(config.engine())).isEqualTo(StallTimeouts.DEFAULTS);
    }

    @Test
    void commandLineEngineOptionsKeepTheConfiguredLimits() throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "engine:\n  limits:\n    first-chunk-timeout-ms: 9000\n");
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs("--config", file.toString(), "--engine", "worker", "--workers",
                "127.0.0.1:50051");
        assertThat(stallOf(serve.effectiveConfig().engine()).firstChunk()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void theFairShareOfTheEngineIsReadWithItsDefaults() throws Exception {
        assertThat(ServerConfig.DEFAULTS.engine().limits().fairShare()).isEqualTo(FairShare.DEFAULTS);
        FairShare share = yaml("engine:\n  limits:\n    slot-wait-ms: 1500\n    max-syntheses-per-source: 3\n")
                .engine().limits().fairShare();
        assertThat(share.maxWait()).isEqualTo(Duration.ofMillis(1500));
        assertThat(share.maxPerSource()).isEqualTo(3);
        assertThatThrownBy(() -> yaml("engine:\n  limits:\n    slot-wait-ms: 120000\n"
                + "    max-syntheses-per-source: -1\n"))
                .hasMessageContaining("engine.limits.slot-wait-ms must be 0-60000 (milliseconds of silence a caller "
                        + "may hear while every engine slot is taken), got 120000")
                .hasMessageContaining("engine.limits.max-syntheses-per-source must be 0 (no cap) or more, got -1");
    }

    @Test
    void badTimeoutsAreNamedWithTheirRange() throws Exception {
        assertThatThrownBy(() -> yaml("engine:\n  limits:\n    first-chunk-timeout-ms: 15\n"
                + "    chunk-stall-timeout-ms: 600000\n")).isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageContaining("engine.limits.first-chunk-timeout-ms must be 100-120000 (milliseconds), got 15: "
                        + "that few milliseconds would fail every SPEAK (seconds were meant?)")
                .hasMessageContaining("engine.limits.chunk-stall-timeout-ms must be 100-120000 (milliseconds), "
                        + "got 600000");
        assertThatThrownBy(() -> yaml("engine:\n  limits:\n    chunk-stall-timeout-ms: 0\n"))
                .hasMessageContaining("engine.limits.chunk-stall-timeout-ms must be 100-120000 (milliseconds), got 0");
        assertThatThrownBy(() -> yaml("engine:\n  limits:\n    first-chunk-timeout: 100\n"))
                .hasMessageContaining("unknown key").hasMessageContaining("first-chunk-timeout");
    }
}
