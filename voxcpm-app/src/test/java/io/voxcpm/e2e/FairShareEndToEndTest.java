package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.EngineLimitsConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The wait for engine capacity as a PBX sees it: an engine with one slot (the stand-in behind a one-slot
 * limit, refusing more as the worker pool does), one call speaking a long prompt, a second call's SPEAK.
 */
class FairShareEndToEndTest {

    /** TEST DOUBLE around the stand-in engine: at most one synthesis at a time, like a one-slot worker pool. */
    private static final class OneSlot implements SpeechEngine {
        final ScriptedStandInEngine engine = new ScriptedStandInEngine();
        final AtomicInteger refusals = new AtomicInteger();

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            if (engine.running() >= 1) {
                refusals.incrementAndGet();
                sink.onError(new SynthesisException(SynthesisException.Reason.OVERLOADED,
                        "every worker is at its concurrency limit"));
                return () -> { };
            }
            return engine.synthesize(request, sink);
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public int sampleRate() {
            return engine.sampleRate();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    @Test
    void aSpeakThatFindsNoSlotWaitsThenCompletesWithACauseSayingSo() throws Exception {
        OneSlot engine = new OneSlot();
        ServerConfig config = Pbx.config(47000, new SynthConfig(100, 50, false, 4), new MrcpConfig(0, 600, 300))
                .withEngine(EngineConfig.DEFAULTS.withLimits(new EngineLimitsConfig(null, null, 400, null)));
        try (VoxcpmMrcpServer server = VoxcpmMrcpServer.start(config, engine);
             UniMrcpClientSim first = Pbx.call(server);
             UniMrcpClientSim second = Pbx.call(server)) {
            assertThat(Pbx.speak(first, 1, "[[seconds=4 speed=1]] Please hold.").startLine())
                    .endsWith(" 1 200 IN-PROGRESS");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.engine.running() == 1);

            assertThat(Pbx.speak(second, 1, "Hello.").startLine()).endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = Pbx.next(second);
            assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(complete.header("Completion-Reason")).as("not the engine's refusal: the wait's end")
                    .startsWith("no engine capacity within 400 ms: 1 syntheses running (1 for 127.0.0.1)");
            assertThat(engine.refusals.get()).as("refused when it came, and maybe once more as it waited")
                    .isBetween(1, 3);

            UniMrcpClientSim.MrcpMessage firstDone = Pbx.next(first);
            assertThat(firstDone.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(Pbx.speak(second, 2, "Hello again.").startLine()).endsWith(" 2 200 IN-PROGRESS");
            assertThat(Pbx.next(second).header("Completion-Cause")).as("the slot is free again").isEqualTo("000 normal");
            assertThat(first.sendBye()).startsWith("SIP/2.0 200");
            assertThat(second.sendBye()).startsWith("SIP/2.0 200");
        }
    }
}
