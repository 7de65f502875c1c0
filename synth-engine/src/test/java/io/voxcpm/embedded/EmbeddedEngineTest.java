package io.voxcpm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.Availability;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.Support;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the real MaryTTS; one engine for the class because starting MaryTTS takes seconds. */
class EmbeddedEngineTest {

    private static final String TWO_SENTENCES = "Welcome to the speech server. Press one for sales.";
    private static final String MANY_SENTENCES = "This is the first sentence. This is the second one. "
            + "Here is a third. And a fourth. Finally a fifth sentence.";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path MARY_LOG = Path.of("log", "server.log");

    private static EmbeddedEngine engine;
    private static long logSizeBefore;

    @BeforeAll
    static void startEngine() throws Exception {
        logSizeBefore = Files.exists(MARY_LOG) ? Files.size(MARY_LOG) : -1;
        engine = new EmbeddedEngine(2);
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    private static RecordingSink speak(SynthesisRequest request) {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        return sink;
    }

    private static void awaitDone(RecordingSink sink) {
        await().atMost(PATIENCE).until(sink.done::isDone);
    }

    @Test
    void saysWhatAFallbackChainMayAskOfIt() {
        assertThat(engine.availability()).isEqualTo(Availability.ready("embedded-marytts"));
        assertThat(engine.support(SynthesisRequest.of("Hello."))).isEqualTo(Support.AS_ASKED);
        assertThat(engine.support(new SynthesisRequest("Hello.", "en-GB", new VoiceSpec("default", null, null, null),
                SynthesisMode.ZERO_SHOT, GenerationParameters.NONE))).isEqualTo(Support.AS_ASKED);
        assertThat(engine.support(new SynthesisRequest("Hello.", null, new VoiceSpec("acme-brand", null, null, null),
                SynthesisMode.CLONE, GenerationParameters.NONE))).as("a cloned voice").isEqualTo(Support.OWN_VOICE);
        assertThat(engine.support(new SynthesisRequest("Hello.", null, new VoiceSpec(null, "male", null, "A deep voice"),
                SynthesisMode.DESIGN, GenerationParameters.NONE))).as("a designed voice").isEqualTo(Support.OWN_VOICE);
        assertThat(engine.support(new SynthesisRequest("Hallo.", "de-DE", VoiceSpec.DEFAULT, null, null)))
                .as("English only").isEqualTo(Support.NONE);
    }

    @Test
    void twoSentencesStreamAsSpeechAt48kHz() {
        assertThat(engine.name()).isEqualTo("embedded-marytts");
        assertThat(engine.sampleRate()).isEqualTo(48_000);
        RecordingSink sink = speak(SynthesisRequest.of(TWO_SENTENCES));
        awaitDone(sink);

        assertThat(sink.error).isNull();
        assertThat(sink.events.get(0)).isEqualTo("audio");
        assertThat(sink.events).last().isEqualTo("complete");
        assertThat(sink.events).filteredOn("complete"::equals).hasSize(1);
        assertThat(sink.chunks).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(c -> assertThat(c.length).isBetween(1, 4800));
        assertThat(sink.seconds()).isBetween(2.0, 6.0);
        assertThat(sink.rmsDbfs()).isGreaterThan(-35.0);
    }

    @Test
    void eachSentenceIsRenderedSeparately() {
        RecordingSink whole = speak(SynthesisRequest.of(TWO_SENTENCES));
        RecordingSink first = speak(SynthesisRequest.of("Welcome to the speech server."));
        awaitDone(whole);
        awaitDone(first);
        // the first sentence's audio is a prefix of the whole: it was pushed before the second was rendered
        short[] prefix = first.chunks.stream().reduce(new short[0], EmbeddedEngineTest::concat);
        short[] all = whole.chunks.stream().reduce(new short[0], EmbeddedEngineTest::concat);
        assertThat(all.length).isGreaterThan(prefix.length);
        assertThat(java.util.Arrays.copyOf(all, prefix.length)).isEqualTo(prefix);
    }

    @Test
    void noLogFileInTheWorkingDirectory() {
        awaitDone(speak(SynthesisRequest.of("Logging check.")));
        long after = Files.exists(MARY_LOG) ? MARY_LOG.toFile().length() : -1;
        assertThat(after).as("MaryTTS must not write %s", MARY_LOG.toAbsolutePath()).isEqualTo(logSizeBefore);
        if (logSizeBefore < 0) {
            assertThat(Path.of("log")).doesNotExist();
        }
    }

    @Test
    void cancelAfterFirstChunkStopsWithoutCompletion() {
        CompletableFuture<Synthesis> handle = new CompletableFuture<>();
        RecordingSink cancelled = new RecordingSink() {
            @Override
            public void onAudio(short[] samples) {
                super.onAudio(samples);
                handle.join().cancel();
                handle.join().cancel(); // idempotent
            }
        };
        handle.complete(engine.synthesize(SynthesisRequest.of(MANY_SENTENCES), cancelled));
        await().atMost(PATIENCE).until(() -> !cancelled.chunks.isEmpty());
        // a request queued behind the cancelled one finishing shows the cancelled one had its chance to go on
        RecordingSink later = speak(SynthesisRequest.of(MANY_SENTENCES));
        awaitDone(later);
        RecordingSink after = speak(SynthesisRequest.of("One more."));
        awaitDone(after);

        assertThat(cancelled.events).doesNotContain("complete", "error");
        assertThat(cancelled.samples()).isLessThan(later.samples() / 2);
        assertThat(later.error).isNull();
    }

    @Test
    void unsupportedLanguageIsReportedThroughTheSink() {
        RecordingSink sink = speak(new SynthesisRequest("Guten Tag.", "de-DE", null, null, null));
        awaitDone(sink);
        assertThat(sink.error).isNotNull();
        assertThat(sink.error.reason()).isEqualTo(Reason.LANGUAGE_UNSUPPORTED);
        assertThat(sink.error.getMessage()).contains("de-DE");
        assertThat(sink.chunks).isEmpty();
    }

    @Test
    void fourRequestsOnTwoThreadsAllCompleteWhateverVoiceIsAsked() {
        String[] languages = {"en-US", "en-GB", "en", null};
        VoiceSpec[] voices = {new VoiceSpec("cmu-slt-hsmm", null, null, null), new VoiceSpec("Paul", "male", 40, null),
                new VoiceSpec("default", null, null, null), VoiceSpec.DEFAULT};
        List<RecordingSink> sinks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sinks.add(speak(new SynthesisRequest("Request " + (i + 1) + ". " + TWO_SENTENCES, languages[i], voices[i],
                    null, null)));
        }
        sinks.forEach(EmbeddedEngineTest::awaitDone);
        assertThat(sinks).allSatisfy(s -> {
            assertThat(s.error).isNull();
            assertThat(s.events).last().isEqualTo("complete");
            assertThat(s.seconds()).isGreaterThan(2.0);
        });
    }

    @Test
    void rateParameterChangesDuration() {
        RecordingSink normal = speak(SynthesisRequest.of(TWO_SENTENCES));
        RecordingSink fast = speak(atRate("1.5"));
        RecordingSink slow = speak(atRate("0.6"));
        RecordingSink one = speak(atRate("1"));
        List.of(normal, fast, slow, one).forEach(EmbeddedEngineTest::awaitDone);
        assertThat(fast.samples()).isLessThan(normal.samples() * 85 / 100);
        assertThat(slow.samples()).isGreaterThan(normal.samples() * 115 / 100);
        assertThat(one.samples()).isEqualTo(normal.samples());
    }

    private static SynthesisRequest atRate(String multiplier) {
        return new SynthesisRequest(TWO_SENTENCES, null, null, null,
                GenerationParameters.NONE.withRate(new BigDecimal(multiplier)));
    }

    @Test
    void emptyTextCompletesWithoutAudio() {
        RecordingSink sink = speak(SynthesisRequest.of("  ... "));
        awaitDone(sink);
        assertThat(sink.events).containsExactly("complete");
    }

    @Test
    void fullQueueIsOverloadedAndCloseFailsWhatIsLeft() {
        EmbeddedEngine small = new EmbeddedEngine(1, 1, 300);
        try {
            RecordingSink first = new RecordingSink();
            small.synthesize(SynthesisRequest.of(MANY_SENTENCES), first);
            RecordingSink second = new RecordingSink();
            small.synthesize(SynthesisRequest.of(TWO_SENTENCES), second);
            assertThat(second.done).isDone();
            assertThat(second.error.reason()).isEqualTo(Reason.OVERLOADED);

            small.close();
            awaitDone(first);
            if (first.error != null) { // it may have finished before close
                assertThat(first.error.reason()).isEqualTo(Reason.ENGINE_FAILURE);
            }
            RecordingSink third = new RecordingSink();
            small.synthesize(SynthesisRequest.of(TWO_SENTENCES), third);
            assertThat(third.error.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        } finally {
            small.close();
        }
    }

    private static short[] concat(short[] a, short[] b) {
        short[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
