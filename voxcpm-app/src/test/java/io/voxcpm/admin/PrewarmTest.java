package io.voxcpm.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.chain.EngineChain;
import io.voxcpm.chain.FallbackVoices;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A pre-warm job speaks each prompt as a call would: through the server's engine, one engine per prompt. */
class PrewarmTest {

    @Test
    void aFallbackChainSpeaksAWholePromptWithOneEngine() {
        Link primary = new Link("primary", true);
        Link fallback = new Link("fallback", false);
        EngineChain chain = new EngineChain(List.of(primary, fallback), FallbackVoices.ANY);
        try (Prewarm prewarm = new Prewarm(() -> chain, name -> Optional.empty())) {
            Prewarm.Job job = prewarm.submit(List.of(new Prewarm.Prompt("One. Two.", null, null, null)));
            await().atMost(Duration.ofSeconds(10)).until(() -> job.state.equals("done"));

            // the primary spoke the first sentence and then went down: the second must not be the fallback's
            // voice (a call would fail the SPEAK rather than change voices mid-prompt, and so does a pre-warm)
            assertThat(primary.said).containsExactly("One.");
            assertThat(fallback.said).as("sentences of one prompt spoken by the fallback").isEmpty();
            assertThat(job.failed.get()).isEqualTo(1);
        }
    }

    /** TEST DOUBLE for a model: one chunk per request, on the caller's thread; it can go down after one. */
    private static final class Link implements SpeechEngine {
        final String name;
        final boolean downAfterFirst;
        final List<String> said = new CopyOnWriteArrayList<>();
        volatile boolean down;

        Link(String name, boolean downAfterFirst) {
            this.name = name;
            this.downAfterFirst = downAfterFirst;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public Availability availability() {
            return down ? Availability.unavailable(name, name + " is down") : Availability.ready(name);
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            if (down) {
                sink.onError(new SynthesisException(SynthesisException.Reason.ENGINE_FAILURE, name + " is down"));
                return () -> { };
            }
            said.add(request.text());
            down = downAfterFirst;
            sink.onAudio(new short[160]);
            sink.onComplete();
            return () -> { };
        }

        @Override
        public void close() {
        }
    }
}
