package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.cache.CacheStats;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.server.CacheConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.Observers;
import io.voxcpm.server.PromptsConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame tier serves the server as {@code Main} starts it: {@link VoxcpmMrcpServer#listen(ServerConfig,
 * Observers)}, the engine the configuration names (the embedded voice, real) built by the server behind its
 * prompt cache, observed ({@code ObservedEngine}) and shared fairly ({@code FairShareEngine}) as in production.
 * {@link FrameTierEndToEndTest} hands the server a bare {@code CachingEngine}; this one does not, because that
 * difference once left the tier silently off in production (every cached prompt read, decoded and resampled
 * again per SPEAK) while every test passed.
 */
class FrameTierAsStartedTest {

    private static final String PROMPT = "Thank you for calling. Please hold.";

    @TempDir
    Path dir;

    @Test
    void aSecondSpeakOfACachedPromptMakesNoEngineCallAndNoDiskRead() throws Exception {
        List<SynthesisRequest> syntheses = new CopyOnWriteArrayList<>();
        SynthesisObserver everySynthesis = new SynthesisObserver() {
            @Override
            public void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache,
                              Outcome outcome, long firstChunkNanos, long elapsedNanos, double audioSeconds,
                              SynthesisException failure) {
                syntheses.add(request);
            }
        };
        ServerConfig config = Pbx.config(38000, new SynthConfig(100, 50, false, 4), new MrcpConfig(0, 600, 3000))
                .withCache(new CacheConfig(true, dir.resolve("cache").toString(), 64))
                .withVoices(new VoicesConfig(dir.resolve("voices").toString()))
                .withPrompts(new PromptsConfig(dir.resolve("prompts").toString(), -20.0, 300));

        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.listen(config, new Observers(null, null, everySynthesis))) {
            server.ready().get(120, TimeUnit.SECONDS); // MaryTTS loads in seconds; minutes on a loaded machine

            UniMrcpClientSim first = Pbx.call(server);
            assertThat(Pbx.speak(first, 1, PROMPT).startLine()).endsWith(" 1 200 IN-PROGRESS");
            awaitComplete(first, 1);
            List<byte[]> heard = payloads(first.rtpPackets());
            // one synthesis per sentence, each kept on disk; the whole prompt encoded once in the tier
            await().atMost(Duration.ofSeconds(10)).until(() -> !syntheses.isEmpty()
                    && disk(server).stores() == syntheses.size());
            await("the prompt's frames kept in the frame tier (when not, the sessions' engine does not reach it)")
                    .atMost(Duration.ofSeconds(5)).until(() -> tier(server).entries() == 1);
            int engineCalls = syntheses.size();
            long diskReads = disk(server).hits();
            long tierHits = tier(server).hits();
            first.close();

            UniMrcpClientSim second = Pbx.call(server);
            assertThat(Pbx.speak(second, 1, PROMPT).startLine()).endsWith(" 1 200 IN-PROGRESS");
            awaitComplete(second, 1);

            assertThat(syntheses).as("no engine call: not even a prompt-cache replay reached the engine's "
                    + "decorators").hasSize(engineCalls);
            assertThat(disk(server).hits()).as("no disk read").isEqualTo(diskReads);
            assertThat(tier(server).hits()).as("played from the frame tier").isEqualTo(tierHits + 1);
            assertThat(payloads(second.rtpPackets())).as("what the first caller heard, frame for frame")
                    .containsExactlyElementsOf(heard);
            second.close();
        }
    }

    private static CacheStats disk(VoxcpmMrcpServer server) {
        return server.stores().cacheStats().orElseThrow(() -> new AssertionError("the prompt cache is off"));
    }

    private static FrameTier.Stats tier(VoxcpmMrcpServer server) {
        return server.stores().frameTierStats().orElseThrow(() -> new AssertionError("the frame tier is off"));
    }

    private static void awaitComplete(UniMrcpClientSim pbx, long requestId) throws Exception {
        UniMrcpClientSim.MrcpMessage complete = Pbx.next(pbx);
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE " + requestId + " COMPLETE");
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
    }

    private static List<byte[]> payloads(List<UniMrcpClientSim.RtpPacket> packets) {
        return packets.stream().map(UniMrcpClientSim.RtpPacket::payload).toList();
    }
}
