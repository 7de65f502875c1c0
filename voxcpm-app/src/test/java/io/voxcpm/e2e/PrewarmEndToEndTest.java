package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.cache.CacheStats;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.cli.EngineProvider;
import io.voxcpm.dialplan.DialplanSpeak;
import io.voxcpm.dialplan.Dialplans;
import io.voxcpm.dialplan.PrewarmCommand;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.server.Engines;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.CacheConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The shipped dialplans pre-warm cleanly, and then the first call that speaks each of their prompts is
 * served from the cache: every SPEAK, sent with the headers its PBX module sends, through a real SIP + MRCP
 * session of a server over the same cache directory, counts cache hits and not one miss; and a server started
 * from configuration alone (as {@code serve} starts it: its own engine, model version and voice registry)
 * over that directory stores nothing new, so it too missed nothing.
 */
class PrewarmEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void shippedDialplansPrewarmAndTheirFirstCallsHitTheCache() throws Exception {
        Path dialplans = repositoryRoot().resolve("dialplans");
        Path cacheDir = dir.resolve("cache");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine prewarm = new CommandLine(new PrewarmCommand(EngineProvider.embedded()))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = prewarm.execute("--cache-dir", cacheDir.toString(), dialplans.toString());

        assertThat(exit).as("prewarm exit; stdout:\n" + out + "\nstderr:\n" + err).isZero();
        List<DialplanSpeak> requests = Dialplans.scan(List.of(dialplans)).requests();
        assertThat(requests).as("requests in the shipped dialplans").hasSizeGreaterThanOrEqualTo(7)
                .noneMatch(DialplanSpeak::isSkipped);
        assertThat(out.toString()).contains("prewarm: " + requests.size() + " found: " + requests.size()
                + " rendered").contains(" 0 failed, 0 skipped");

        // The server's engine as VoxcpmMrcpServer.start(config) builds it: the configured engine behind a
        // CachingEngine keyed by the engine's model version (held here so that its counters can be read).
        PromptCache cache = PromptCache.open(cacheDir, PromptCache.DEFAULT_MAX_BYTES);
        SpeechEngine engine = new CachingEngine(Engines.create(EngineConfig.DEFAULTS), cache,
                EngineProvider.embedded().modelVersion(), name -> "", 2);
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(Pbx.config(41000, SynthConfig.DEFAULTS,
                MrcpConfig.DEFAULTS.withPort(0)), engine)) {
            long id = 1;
            for (DialplanSpeak request : requests) {
                CacheStats before = cache.stats();
                try (UniMrcpClientSim pbx = Pbx.call(server)) {
                    Map<String, String> headers = new LinkedHashMap<>(request.headers());
                    String type = headers.remove("Content-Type");
                    UniMrcpClientSim.MrcpMessage response = Pbx.speak(pbx, id, headers, type, request.body());
                    assertThat(response.startLine()).as(request.where()).endsWith(" " + id + " 200 IN-PROGRESS");
                    UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(60));
                    assertThat(complete.header("Completion-Cause")).as(request.where()).isEqualTo("000 normal");
                    assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
                }
                CacheStats after = cache.stats();
                assertThat(after.misses() - before.misses()).as(request.where() + ": cache misses").isZero();
                assertThat(after.hits() - before.hits()).as(request.where() + ": cache hits").isPositive();
                id++;
            }
        }

        List<Path> entries = entries(cacheDir);
        ServerConfig config = Pbx.config(41000, SynthConfig.DEFAULTS, MrcpConfig.DEFAULTS.withPort(0))
                .withCache(new CacheConfig(true, cacheDir.toString(), 1024))
                .withVoices(new VoicesConfig(dir.resolve("voices").toString()));
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(config)) {
            long id = 1;
            for (DialplanSpeak request : requests) {
                try (UniMrcpClientSim pbx = Pbx.call(server)) {
                    Map<String, String> headers = new LinkedHashMap<>(request.headers());
                    String type = headers.remove("Content-Type");
                    assertThat(Pbx.speak(pbx, id++, headers, type, request.body()).startLine()).endsWith("IN-PROGRESS");
                    assertThat(pbx.readMrcp(Duration.ofSeconds(60)).header("Completion-Cause")).isEqualTo("000 normal");
                    assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
                }
            }
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(entries(cacheDir)).as("a configured server's calls stored nothing: every one was a hit")
                        .containsExactlyInAnyOrderElementsOf(entries));
    }

    private static List<Path> entries(Path cacheDir) throws java.io.IOException {
        try (var files = Files.walk(cacheDir)) {
            return files.filter(f -> f.toString().endsWith(".pcm")).toList();
        }
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("dialplans")) && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found");
    }
}
