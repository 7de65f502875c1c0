package io.voxcpm.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.ObservedEngine;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingEngineTest {

    private static final int RATE = 48000;

    @TempDir
    Path dir;

    private final CountingStandInEngine standIn = new CountingStandInEngine(RATE);
    private CachingEngine engine;

    private CachingEngine caching() throws Exception {
        engine = new CachingEngine(standIn, PromptCache.open(dir, 64 << 20), "v1");
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static short[] say(CachingEngine engine, SynthesisRequest request) throws Exception {
        RecordingSink sink = new RecordingSink();
        engine.synthesize(request, sink);
        return sink.audio();
    }

    @Test
    void aHitReplaysTheStoredAudioWithoutTheEngine() throws Exception {
        CachingEngine e = caching();
        short[] first = say(e, SynthesisRequest.of("Welcome to Acme."));
        await().until(() -> e.cache().stats().stores() == 1);
        short[] second = say(e, SynthesisRequest.of("  Welcome   to Acme. ")); // same key after normalisation

        assertThat(standIn.calls).hasValue(1);
        assertThat(first).isEqualTo(standIn.expected("Welcome to Acme."));
        assertThat(second).isEqualTo(first);
        CacheStats s = e.cache().stats();
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.bytesServed()).isEqualTo(first.length * 2L);
        assertThat(s.hitRatio()).isEqualTo(0.5);
    }

    @Test
    void aHitIsReplayedInChunksNotOneArray() throws Exception {
        CachingEngine e = caching();
        say(e, SynthesisRequest.of("A prompt long enough for several chunks."));
        await().until(() -> e.cache().stats().stores() == 1);
        RecordingSink sink = new RecordingSink();
        e.synthesize(SynthesisRequest.of("A prompt long enough for several chunks."), sink);
        sink.audio();
        assertThat(sink.chunks.size()).isGreaterThan(1);
        assertThat(sink.chunks).allSatisfy(c -> assertThat(c.length).isLessThanOrEqualTo(RATE / 10));
    }

    @Test
    void concurrentRequestsForOneKeyShareOneSynthesis() throws Exception {
        CachingEngine e = caching();
        standIn.hold();
        int n = 8;
        List<RecordingSink> sinks = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordingSink sink = new RecordingSink();
            sinks.add(sink);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException ex) {
                    return;
                }
                e.synthesize(SynthesisRequest.of("Your call is important to us."), sink);
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        // all attached while the engine is held after its first chunk: late joiners must get that chunk too
        assertThat(e.cache().stats().joins()).isEqualTo(n - 1);
        standIn.release();

        short[] expected = standIn.expected("Your call is important to us.");
        for (RecordingSink sink : sinks) {
            assertThat(sink.audio()).isEqualTo(expected);
        }
        assertThat(standIn.calls).hasValue(1);
        assertThat(e.cache().stats().misses()).isEqualTo(1);
        await().until(() -> e.cache().stats().stores() == 1);
    }

    @Test
    void theEndpointThatServesASynthesisReachesEveryListenerAndTheObserverAndAHitNamesTheEngine() throws Exception {
        CachingEngine e = caching();
        standIn.endpoint = "10.0.0.7:50051";
        List<String> observed = new CopyOnWriteArrayList<>();
        ObservedEngine watched = new ObservedEngine(e, new SynthesisObserver() {
            @Override
            public void ended(String engine, String endpoint, SynthesisRequest request, boolean fromCache,
                              Outcome outcome, long firstChunkNanos, long elapsedNanos, double audioSeconds,
                              SynthesisException failure) {
                observed.add(engine + "@" + endpoint + (fromCache ? " hit" : ""));
            }
        });
        standIn.hold();
        RecordingSink first = new RecordingSink();
        watched.synthesize(SynthesisRequest.of("Press one for sales."), first);
        await().until(() -> !first.chunks.isEmpty());
        RecordingSink joiner = new RecordingSink();
        watched.synthesize(SynthesisRequest.of("Press one for sales."), joiner);
        standIn.release();
        first.audio();
        joiner.audio();
        assertThat(first.servedBy).containsExactly("10.0.0.7:50051");
        assertThat(joiner.servedBy).as("attached after the engine named it").containsExactly("10.0.0.7:50051");
        await().until(() -> e.cache().stats().stores() == 1);
        RecordingSink hit = new RecordingSink();
        watched.synthesize(SynthesisRequest.of("Press one for sales."), hit);
        hit.audio();
        assertThat(hit.servedBy).isEmpty();
        await().until(() -> observed.size() == 3);
        assertThat(observed).containsExactlyInAnyOrder("counting-stand-in@10.0.0.7:50051",
                "counting-stand-in@10.0.0.7:50051", "counting-stand-in@counting-stand-in hit");
    }

    @Test
    void eachListenerOwnsItsArrays() throws Exception {
        CachingEngine e = caching();
        standIn.hold();
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        e.synthesize(SynthesisRequest.of("Shared"), a);
        e.synthesize(SynthesisRequest.of("Shared"), b);
        standIn.release();
        a.audio();
        b.audio();
        for (int i = 0; i < a.chunks.size(); i++) {
            assertThat(a.chunks.get(i)).isNotSameAs(b.chunks.get(i)).isEqualTo(b.chunks.get(i));
        }
    }

    @Test
    void bypassSkipsReadingAndWriting() throws Exception {
        CachingEngine e = caching();
        SynthesisRequest bypass = SynthesisRequest.of("Hello")
                .withContext(RequestContext.NONE.withCache(RequestContext.CachePolicy.BYPASS));
        say(e, SynthesisRequest.of("Hello"));
        await().until(() -> e.cache().stats().stores() == 1);
        say(e, bypass);
        say(e, bypass);
        assertThat(standIn.calls).hasValue(3);
        CacheStats s = e.cache().stats();
        assertThat(s.bypasses()).isEqualTo(2);
        assertThat(s.hits()).isZero();
        assertThat(s.stores()).isEqualTo(1);
        // the directive is not part of the key: a normal request still hits
        assertThat(e.keyFor(bypass)).isEqualTo(e.keyFor(SynthesisRequest.of("Hello")));
    }

    @Test
    void theAskingSessionIsNotPartOfTheKeyButWhatIsSaidIs() throws Exception {
        CachingEngine e = caching();
        GenerationParameters fast = GenerationParameters.NONE.withRate(new BigDecimal("1.25"));
        SynthesisRequest fromOneCall = new SynthesisRequest("Hello", null, VoiceSpec.DEFAULT, null, fast,
                RequestContext.session("2cc69d6b43cb1ff6"));
        SynthesisRequest fromAnother = new SynthesisRequest("Hello", null, VoiceSpec.DEFAULT, null, fast,
                RequestContext.session("7a97a584562444d9"));
        SynthesisRequest slower = new SynthesisRequest("Hello", null, VoiceSpec.DEFAULT, null,
                fast.withRate(new BigDecimal("0.8")), RequestContext.session("7a97a584562444d9"));
        assertThat(e.keyFor(fromOneCall)).isEqualTo(e.keyFor(fromAnother));
        assertThat(e.keyFor(slower)).isNotEqualTo(e.keyFor(fromAnother));
    }

    @Test
    void aFailedSynthesisIsNotStoredAndIsRetried() throws Exception {
        CachingEngine e = caching();
        for (int attempt = 1; attempt <= 2; attempt++) {
            RecordingSink sink = new RecordingSink();
            e.synthesize(SynthesisRequest.of("FAIL please"), sink);
            assertThat(sink.error()).isNotNull();
            assertThat(sink.error().reason()).isEqualTo(SynthesisException.Reason.ENGINE_FAILURE);
        }
        assertThat(standIn.calls).hasValue(2);
        assertThat(e.cache().stats().entries()).isZero();
        assertThat(e.cache().stats().stores()).isZero();
    }

    @Test
    void aSynthesisEveryListenerCancelledIsCancelledAndNotStored() throws Exception {
        CachingEngine e = caching();
        standIn.hold();
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Synthesis sa = e.synthesize(SynthesisRequest.of("Barge in"), a);
        Synthesis sb = e.synthesize(SynthesisRequest.of("Barge in"), b);
        sa.cancel();
        assertThat(standIn.cancels).hasValue(0); // b still listens
        sb.cancel();
        assertThat(standIn.cancels).hasValue(1);
        standIn.release();

        short[] again = say(e, SynthesisRequest.of("Barge in")); // starts afresh
        assertThat(again).isEqualTo(standIn.expected("Barge in"));
        assertThat(standIn.calls).hasValue(2);
        assertThat(a.done).isNotDone();
        await().until(() -> e.cache().stats().stores() == 1);
    }

    @Test
    void oneListenerCancellingLeavesTheOthersAndTheEntry() throws Exception {
        CachingEngine e = caching();
        standIn.hold();
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        Synthesis sa = e.synthesize(SynthesisRequest.of("Keep going"), a);
        e.synthesize(SynthesisRequest.of("Keep going"), b);
        sa.cancel();
        standIn.release();
        assertThat(b.audio()).isEqualTo(standIn.expected("Keep going"));
        assertThat(standIn.cancels).hasValue(0);
        await().until(() -> e.cache().stats().stores() == 1);
        assertThat(say(e, SynthesisRequest.of("Keep going"))).isEqualTo(standIn.expected("Keep going"));
        assertThat(standIn.calls).hasValue(1);
    }

    @Test
    void aCorruptEntryIsDeletedAndTheRequestSynthesisedAgain() throws Exception {
        CachingEngine e = caching();
        short[] first = say(e, SynthesisRequest.of("Corrupt me"));
        await().until(() -> e.cache().stats().stores() == 1);
        Path file = e.cache().fileFor(e.keyFor(SynthesisRequest.of("Corrupt me")).digest());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        assertThat(say(e, SynthesisRequest.of("Corrupt me"))).isEqualTo(first);
        assertThat(standIn.calls).hasValue(2);
        CacheStats s = e.cache().stats();
        assertThat(s.discarded()).isEqualTo(1);
        assertThat(s.hits()).isZero();
        await().until(() -> e.cache().stats().stores() == 2);
        assertThat(Files.size(file)).isGreaterThan(first.length * 2L);
    }

    @Test
    void voiceVersionIsPartOfTheKey() throws Exception {
        String[] version = {"1"};
        engine = new CachingEngine(standIn, PromptCache.open(dir, 64 << 20), "v1", name -> version[0], 1);
        SynthesisRequest r = new SynthesisRequest("Hi", "en-US", new VoiceSpec("acme-brand", null, null, null), null,
                GenerationParameters.NONE);
        CacheKey v1 = engine.keyFor(r);
        version[0] = "2";
        assertThat(engine.keyFor(r)).isNotEqualTo(v1);
        assertThat(v1.voiceVersion()).isEqualTo("1");
    }

    @Test
    void withTheEmbeddedEngineAHitNeedsNoEngine() throws Exception {
        SynthesisRequest request = SynthesisRequest.of("Thank you for calling.");
        short[] first;
        EmbeddedEngine mary = new EmbeddedEngine(1);
        try (CachingEngine e = new CachingEngine(mary, PromptCache.open(dir, 64 << 20), "marytts")) {
            first = say(e, request);
            await().until(() -> e.cache().stats().stores() == 1);
        }
        assertThat(first.length).isGreaterThan(EmbeddedEngine.SAMPLE_RATE / 2);

        // the engine is closed now and fails whatever it is asked; a hit must not ask it
        RecordingSink probe = new RecordingSink();
        mary.synthesize(request, probe);
        assertThat(probe.error()).isNotNull();
        try (CachingEngine e = new CachingEngine(mary, PromptCache.open(dir, 64 << 20), "marytts")) {
            assertThat(say(e, request)).isEqualTo(first);
            assertThat(e.cache().stats().hits()).isEqualTo(1);
            assertThat(e.cache().stats().misses()).isZero();
        }
    }

    @Test
    void aLexiconThatChangesWhatIsSaidChangesTheKeyAndOneThatDoesNotKeepsIt() throws Exception {
        CachingEngine e = caching();
        io.voxcpm.request.RequestPlanner planner = new io.voxcpm.request.RequestPlanner(
                io.voxcpm.request.VoiceCatalog.EMPTY, Map.of());
        io.voxcpm.ssml.PronunciationLexicon acme = io.voxcpm.ssml.PronunciationLexicon.parse("<lexicon><lexeme>"
                + "<grapheme>Acme</grapheme><alias>Anvil Company</alias></lexeme></lexicon>");
        io.voxcpm.ssml.SsmlDocument doc = io.voxcpm.ssml.SsmlDocument.text("Welcome to Acme.",
                io.voxcpm.request.RequestPlanner.baseStyle(io.voxcpm.request.RequestDefaults.NONE));
        io.voxcpm.ssml.SsmlDocument other = io.voxcpm.ssml.SsmlDocument.text("Welcome home.",
                io.voxcpm.request.RequestPlanner.baseStyle(io.voxcpm.request.RequestDefaults.NONE));
        java.util.function.BiFunction<io.voxcpm.ssml.SsmlDocument, io.voxcpm.ssml.PronunciationLexicon, CacheKey> key =
                (d, l) -> {
                    try {
                        var speech = (io.voxcpm.request.Segment.Speech) planner.plan(d, io.voxcpm.request.RequestDefaults.NONE, l).get(0);
                        return e.keyFor(speech.request());
                    } catch (SynthesisException x) {
                        throw new AssertionError(x);
                    }
                };
        assertThat(key.apply(doc, acme)).isNotEqualTo(key.apply(doc, io.voxcpm.ssml.PronunciationLexicon.EMPTY));
        assertThat(key.apply(doc, acme).text()).isEqualTo("Welcome to Anvil Company.");
        assertThat(key.apply(other, acme)).isEqualTo(key.apply(other, io.voxcpm.ssml.PronunciationLexicon.EMPTY));
    }
}
