package io.voxcpm.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.cache.RecordingSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.ObservedEngine;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Support;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.request.Segment;
import io.voxcpm.request.SegmentPlayer;
import io.voxcpm.ssml.Prosody;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineChainTest {

    private static final short PRIMARY = 1000;
    private static final short FALLBACK = 2000;

    private final ScriptedEngine primary = new ScriptedEngine("model", PRIMARY);
    private final ScriptedEngine fallback = new ScriptedEngine("embedded", FALLBACK);
    private EngineChain chain = new EngineChain(List.of(primary, fallback), FallbackVoices.ANY);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        chain.close();
    }

    private static SynthesisRequest request(String text) {
        return new SynthesisRequest(text, "en-US", VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE, RequestContext.session("s1"));
    }

    private static SynthesisRequest cloned(String text) {
        return new SynthesisRequest(text, "en-US", new VoiceSpec("brand", null, null, null), SynthesisMode.CLONE,
                GenerationParameters.NONE);
    }

    private static short[] say(SpeechEngine engine, SynthesisRequest request) throws Exception {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        return sink.audio();
    }

    private static SynthesisException failure(SpeechEngine engine, SynthesisRequest request) throws Exception {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        SynthesisException e = sink.error();
        assertThat(e).as("the synthesis should have failed").isNotNull();
        return e;
    }

    @Test
    void aHealthyPrimarySpeaksEverything() throws Exception {
        assertThat(say(chain, request("Hello."))).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
        assertThat(fallback.requests).isEmpty();
        assertThat(chain.stats().servedBy(0)).isEqualTo(1);
        assertThat(chain.stats().fallbackUtterances()).isZero();
        assertThat(chain.availability()).isEqualTo(Availability.ready("model"));
    }

    @Test
    void anUnavailablePrimaryIsNotAskedAndTheFallbackSpeaks() throws Exception {
        primary.down();
        assertThat(say(chain, request("Hello."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        assertThat(primary.requests).isEmpty();
        assertThat(chain.stats().fallbackUtterances()).isEqualTo(1);
        assertThat(chain.stats().servedBy()).containsEntry("embedded", 1L).containsEntry("model", 0L);
        Availability a = chain.availability();
        assertThat(a.state()).isEqualTo(Availability.State.FALLBACK);
        assertThat(a.engine()).isEqualTo("embedded");
        assertThat(a.reason()).isEqualTo("model unavailable: model is down");
    }

    @Test
    void aPrimaryThatFailsBeforeAnyAudioHandsTheRequestOn() throws Exception {
        primary.failBeforeAudio = Reason.ENGINE_FAILURE; // health not noticed yet: it still says ready
        assertThat(say(chain, request("Hello."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        assertThat(primary.requests).hasSize(1);
        assertThat(chain.stats().failovers()).isEqualTo(1);

        primary.failBeforeAudio = Reason.OVERLOADED;
        assertThat(say(chain, request("Again."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        assertThat(chain.stats().failovers()).isEqualTo(2);
    }

    @Test
    void aFailureAfterTheFirstAudioIsFinal() throws Exception {
        primary.failAfterFirstChunk = true;
        RecordingSink sink = new RecordingSink();
        chain.synthesize(request("Hello."), sink);
        assertThat(sink.error()).hasMessageContaining("died mid-stream");
        assertThat(sink.concat()).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 1));
        assertThat(fallback.requests).isEmpty();
        assertThat(chain.stats().failovers()).isZero();
    }

    @Test
    void aClientMistakeIsNotRetriedElsewhere() throws Exception {
        primary.failBeforeAudio = Reason.UNKNOWN_VOICE;
        assertThat(failure(chain, request("Hello.")).reason()).isEqualTo(Reason.UNKNOWN_VOICE);
        assertThat(fallback.requests).isEmpty();
    }

    @Test
    void noEngineAvailableFailsWithEveryReason() throws Exception {
        primary.down();
        fallback.down();
        SynthesisException e = failure(chain, request("Hello."));
        assertThat(e.reason()).isEqualTo(Reason.ENGINE_FAILURE);
        assertThat(e).hasMessage("no engine can speak now: model unavailable: model is down; "
                + "embedded unavailable: embedded is down");
        assertThat(chain.stats().exhausted()).isEqualTo(1);
        assertThat(chain.availability().state()).isEqualTo(Availability.State.UNAVAILABLE);
    }

    @Test
    void newRequestsReturnToTheRecoveredPrimary() throws Exception {
        primary.down();
        say(chain, request("One."));
        primary.up();
        assertThat(say(chain, request("Two."))).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
        assertThat(chain.stats().servedBy(0)).isEqualTo(1);
        assertThat(chain.stats().servedBy(1)).isEqualTo(1);
    }

    @Test
    void aVoiceOnlyThePrimaryHasIsSpokenInTheFallbacksDefaultVoiceUnderAny() throws Exception {
        primary.down();
        fallback.support = Support.OWN_VOICE;
        assertThat(say(chain, cloned("Hello."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        SynthesisRequest sent = fallback.requests.get(0);
        assertThat(sent.voice()).isEqualTo(VoiceSpec.DEFAULT);
        assertThat(sent.mode()).isEqualTo(SynthesisMode.ZERO_SHOT);
        assertThat(sent.text()).isEqualTo("Hello.");
    }

    @Test
    void aVoiceOnlyThePrimaryHasFailsClearlyUnderDefaultOnly() throws Exception {
        chain = new EngineChain(List.of(primary, fallback), FallbackVoices.DEFAULT_ONLY);
        primary.down();
        fallback.support = Support.OWN_VOICE;
        SynthesisException e = failure(chain, cloned("Hello."));
        assertThat(e).hasMessage("not spoken: voice 'brand' (clone) needs model and fallback-voices is default-only; "
                + "model unavailable: model is down");
        assertThat(fallback.requests).isEmpty();
        assertThat(chain.stats().refusals()).isEqualTo(1);

        fallback.support = Support.AS_ASKED; // the default voice still falls back
        assertThat(say(chain, request("Hello."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
    }

    @Test
    void aFallbackThatCannotSpeakTheRequestIsSkipped() throws Exception {
        primary.down();
        fallback.support = Support.NONE;
        assertThat(failure(chain, request("Hallo."))).hasMessageContaining("embedded cannot speak language en-US");
        assertThat(fallback.requests).isEmpty();
    }

    @Test
    void everySentenceOfAnUtteranceStaysWithTheEngineThatSpokeFirst() throws Exception {
        SpeechEngine utterance = chain.forUtterance();
        say(utterance, request("One."));
        primary.down(); // the model dies between two sentences of one SPEAK
        SynthesisException e = failure(utterance, request("Two."));
        assertThat(e).hasMessage("model failed: ENGINE_FAILURE");
        assertThat(fallback.requests).as("no voice change mid-SPEAK").isEmpty();

        // and the other way round: a SPEAK begun by the fallback ends with it although the model is back
        SpeechEngine second = chain.forUtterance();
        assertThat(say(second, request("Three."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        primary.up();
        assertThat(say(second, request("Four."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        assertThat(chain.stats().fallbackUtterances()).as("counted once per utterance").isEqualTo(1);
        assertThat(say(chain.forUtterance(), request("Five."))).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
    }

    @Test
    void theSegmentPlayerKeepsOneSpeakOnOneEngine() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        primary.gate = gate;
        SegmentPlayer player = new SegmentPlayer(chain, SegmentPlayer.PromptAudio.NONE, false);
        RecordingSink sink = new RecordingSink();
        player.play(List.of(speech("One."), speech("Two.")), sink, SegmentPlayer.MarkListener.NONE);
        await().until(() -> sink.concat().length > 0); // the first sentence is being heard
        primary.down();
        primary.gate = null;
        gate.countDown();
        assertThat(sink.error()).hasMessage("model failed: ENGINE_FAILURE");
        assertThat(sink.concat()).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
        assertThat(fallback.requests).isEmpty();
    }

    @Test
    void decoratorsInFrontOfTheChainKeepItsUtterances() throws Exception {
        // closed before the temporary directory goes: the cache's writer thread may still be storing "Three."
        try (ObservedEngine observed = new ObservedEngine(
                new CachingEngine(chain, PromptCache.open(dir, 16 << 20), "v1"), SynthesisObserver.NONE)) {
            SpeechEngine utterance = observed.forUtterance();
            assertThat(utterance).as("a view of the decorated chain, not the decorator itself").isNotSameAs(observed);
            say(utterance, request("One."));
            primary.down();
            assertThat(failure(utterance, request("Two."))).hasMessage("model failed: ENGINE_FAILURE");
            assertThat(fallback.requests).as("no voice change mid-SPEAK behind a cache and a meter").isEmpty();
            // a request of its own is an utterance of its own: the fallback may speak it
            assertThat(say(observed, request("Three."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
            assertThat(observed.inFlight()).isZero();
        }
    }

    @Test
    void aPromptCachedFromThePrimaryPlaysWhileItIsDown() throws Exception {
        PromptCache cache = PromptCache.open(dir, 16 << 20);
        CachingEngine model = new CachingEngine(primary, cache, "v1");
        CachingEngine embedded = new CachingEngine(fallback, cache, "mary");
        chain = new EngineChain(List.of(model, embedded), FallbackVoices.ANY);
        assertThat(chain.hasAudioFor(request("Press one."))).isFalse();
        say(chain, request("Press one."));
        await().until(() -> cache.stats().stores() == 1);
        primary.down();

        assertThat(chain.hasAudioFor(request("Press one."))).as("the link it goes to holds it").isTrue();
        assertThat(chain.forUtterance().hasAudioFor(request("Press one."))).isTrue();
        assertThat(say(chain, request("Press one."))).as("the primary's voice, from its cache")
                .isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
        assertThat(primary.requests).hasSize(1);
        assertThat(chain.stats().servedBy(0)).isEqualTo(2);
        assertThat(say(chain, request("Press two."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        await().until(() -> cache.stats().stores() == 2);
        assertThat(chain.hasAudioFor(request("Press two."))).as("the fallback's rendering, while the primary is down")
                .isTrue();

        // a fallback rendering never beats the primary's live voice once it is back
        primary.up();
        assertThat(chain.hasAudioFor(request("Press two."))).as("the primary will speak it live").isFalse();
        assertThat(say(chain, request("Press two."))).isEqualTo(ScriptedEngine.audioOf(PRIMARY, 3));
    }

    @Test
    void aCachedFallbackRenderingBeatsAFallbackSynthesis() throws Exception {
        PromptCache cache = PromptCache.open(dir, 16 << 20);
        chain = new EngineChain(List.of(new CachingEngine(primary, cache, "v1"),
                new CachingEngine(fallback, cache, "mary")), FallbackVoices.ANY);
        primary.down();
        say(chain, request("Goodbye."));
        await().until(() -> cache.stats().stores() == 1);
        fallback.down(); // the fallback's cache still plays
        assertThat(chain.hasAudioFor(request("Goodbye."))).isTrue();
        assertThat(say(chain, request("Goodbye."))).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 3));
        assertThat(fallback.requests).hasSize(1);
    }

    @Test
    void aFallbackRenderingInItsOwnVoiceCountsAsAudioAtHandForTheVoiceAskedFor() throws Exception {
        // the chain asks a fallback for its default voice: what that link holds is keyed by what it is asked
        PromptCache cache = PromptCache.open(dir, 16 << 20);
        chain = new EngineChain(List.of(new CachingEngine(primary, cache, "v1"),
                new CachingEngine(fallback, cache, "mary")), FallbackVoices.ANY);
        primary.down();
        fallback.support = Support.OWN_VOICE;
        assertThat(chain.hasAudioFor(cloned("Goodbye."))).isFalse();
        say(chain, cloned("Goodbye."));
        await().until(() -> cache.stats().stores() == 1);
        assertThat(chain.hasAudioFor(cloned("Goodbye."))).isTrue();
        assertThat(fallback.requests).hasSize(1);
    }

    @Test
    void cancelStopsTheEngineThatIsSpeaking() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        fallback.gate = gate;
        primary.failBeforeAudio = Reason.ENGINE_FAILURE;
        RecordingSink sink = new RecordingSink();
        var s = chain.synthesize(request("Hello."), sink);
        await().until(() -> sink.concat().length > 0);
        s.cancel();
        gate.countDown();
        Thread.sleep(100); // real time: the released fallback would call back within it if cancel had not reached it
        assertThat(sink.finished()).as("no callback after cancel").isFalse();
        assertThat(sink.concat()).isEqualTo(ScriptedEngine.audioOf(FALLBACK, 1));
    }

    @Test
    void enginesOfDifferentRatesCannotBeChained() {
        assertThatThrownBy(() -> new EngineChain(List.of(primary, new RateEngine()), FallbackVoices.ANY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share a sample rate");
    }

    private static Segment.Speech speech(String text) {
        return new Segment.Speech(new SynthesisRequest(text, "en-US", VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE), Prosody.NORMAL);
    }

    /** TEST DOUBLE: an engine at another rate, never asked to speak. */
    private static final class RateEngine implements SpeechEngine {
        @Override
        public String name() {
            return "wideband";
        }

        @Override
        public int sampleRate() {
            return 16000;
        }

        @Override
        public io.voxcpm.engine.Synthesis synthesize(SynthesisRequest request, io.voxcpm.engine.AudioSink sink) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
