package io.voxcpm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.voxcpm.bridge.VoiceSource;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.chain.EngineChain;
import io.voxcpm.chain.FallbackVoices;
import io.voxcpm.engine.SpeechEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code engine.fallback} and {@code --fallback}: how the chain is configured and built. */
class EngineChainConfigTest {

    @TempDir
    Path dir;

    private ServerConfig yaml(String text) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, text);
        return ServerConfig.load(file);
    }

    private static ServerConfig cli(String... args) throws Exception {
        Main.Serve serve = new Main.Serve();
        new CommandLine(serve).parseArgs(args);
        return serve.effectiveConfig();
    }

    @Test
    void yamlTakesOneFallbackOrAList() throws Exception {
        ServerConfig one = yaml("engine:\n  kind: worker\n  workers: [127.0.0.1:50051]\n  fallback: embedded\n");
        assertThat(one.engine().fallback()).containsExactly("embedded");
        assertThat(one.engine().fallbackVoices()).isEqualTo("any");
        ServerConfig two = yaml("engine:\n  kind: vllm\n  vllm-url: http://127.0.0.1:8091\n"
                + "  workers: [127.0.0.1:50051]\n  fallback: [worker, embedded]\n  fallback-voices: default-only\n");
        assertThat(two.engine().chain()).extracting(EngineConfig::kind).containsExactly("vllm", "worker", "embedded");
        assertThat(two.engine().fallbackVoices()).isEqualTo("default-only");
        assertThat(ServerConfig.DEFAULTS.engine().fallback()).isEmpty();
    }

    @Test
    void theCommandLineTakesRepeatedOrCommaSeparatedFallbacks() throws Exception {
        assertThat(cli("--engine", "worker", "--workers", "127.0.0.1:50051", "--fallback", "embedded")
                .engine().fallback()).containsExactly("embedded");
        ServerConfig cfg = cli("--engine", "vllm", "--vllm-url", "http://127.0.0.1:8091", "--workers", "127.0.0.1:1",
                "--fallback", "worker,embedded", "--fallback-voices", "default-only");
        assertThat(cfg.engine().fallback()).containsExactly("worker", "embedded");
        assertThat(FallbackVoices.parse(cfg.engine().fallbackVoices())).contains(FallbackVoices.DEFAULT_ONLY);
        assertThat(cli("--engine", "worker", "--workers", "127.0.0.1:1", "--fallback", "vllm", "--fallback", "embedded",
                "--vllm-url", "http://127.0.0.1:8091").engine().fallback()).containsExactly("vllm", "embedded");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> cli("--engine", "embedded", "--fallback", "embedded"))
                .hasMessageContaining("engine.fallback lists 'embedded' twice (or repeats engine.kind)");
        assertThatThrownBy(() -> cli("--fallback", "marytts"))
                .hasMessageContaining("engine.fallback must be embedded, worker or vllm, got 'marytts'");
        assertThatThrownBy(() -> cli("--fallback", "worker"))
                .hasMessageContaining("engine.fallback 'worker' needs engine.workers");
        assertThatThrownBy(() -> cli("--fallback-voices", "some"))
                .hasMessageContaining("engine.fallback-voices must be any or default-only, got 'some'");
    }

    @Test
    void eachEngineOfTheChainHasItsOwnCacheKeysAndTheChainIsOutside() throws Exception {
        EngineConfig config = cli("--engine", "worker", "--workers", "127.0.0.1:1", "--fallback", "embedded",
                "--fallback-voices", "default-only").engine();
        PromptCache cache = PromptCache.open(dir.resolve("cache"), 1 << 20);
        List<String> decorated = new ArrayList<>();
        try (SpeechEngine engine = Engines.create(config, VoiceSource.NONE, (one, kind) -> {
            decorated.add(kind.kind() + " as " + Engines.modelVersion(kind));
            return new CachingEngine(one, cache, Engines.modelVersion(kind));
        })) {
            assertThat(engine).isInstanceOf(EngineChain.class);
            EngineChain chain = (EngineChain) engine;
            assertThat(chain.engineNames()).containsExactly("voxcpm2", "embedded-marytts");
            assertThat(chain.fallbackVoices()).isEqualTo(FallbackVoices.DEFAULT_ONLY);
            assertThat(decorated).hasSize(2);
            assertThat(decorated.get(0)).isEqualTo("worker as voxcpm2");
        }
        try (SpeechEngine single = Engines.create(new EngineConfig("worker", 1, List.of("127.0.0.1:1"), null,
                null))) {
            assertThat(single).as("no fallback, no chain").isNotInstanceOf(EngineChain.class);
        }
    }
}
