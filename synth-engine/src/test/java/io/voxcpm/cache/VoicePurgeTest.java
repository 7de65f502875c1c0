package io.voxcpm.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.request.Segment;
import io.voxcpm.ssml.Prosody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A removed voice leaves no audio behind: not on disk, not in the frame tier, not from a late synthesis. */
class VoicePurgeTest {

    private static final int RATE = 16000;

    @TempDir
    Path dir;

    private final CountingStandInEngine standIn = new CountingStandInEngine(RATE);
    private final Map<String, String> versions = new ConcurrentHashMap<>(Map.of("jane", "jane@v1:abc", "bob", "bob@v2:def"));
    private CachingEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private CachingEngine caching() throws Exception {
        engine = new CachingEngine(standIn, PromptCache.open(dir, 64 << 20), "m1", n -> versions.getOrDefault(n, ""), 1);
        return engine;
    }

    private static SynthesisRequest in(String voice, String text) {
        return new SynthesisRequest(text, "en-US", new VoiceSpec(voice, null, null, null), null, null);
    }

    private static void say(CachingEngine e, SynthesisRequest r) throws Exception {
        RecordingSink sink = new RecordingSink();
        e.synthesize(r, sink);
        sink.audio();
    }

    private long filesUnder(Path p) throws Exception {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> f.toString().endsWith(".pcm")).count();
        }
    }

    @Test
    void purgingAVoiceDeletesEveryEntryOfItAndOnlyThoseEvenAfterAReopen() throws Exception {
        CachingEngine e = caching();
        say(e, in("jane", "Welcome."));
        say(e, in("jane", "Goodbye."));
        say(e, in("bob", "Welcome."));
        say(e, in(null, "Welcome."));
        say(e, in("not-registered", "Welcome."));
        await().until(() -> e.cache().stats().stores() == 5);
        assertThat(filesUnder(dir.resolve("voices/jane"))).isEqualTo(2);
        assertThat(filesUnder(dir)).isEqualTo(5);

        // another process (the CLI) purges what this one wrote and indexed
        PromptCache.Purged purged = PromptCache.open(dir, 64 << 20).purgeVoice("jane");
        assertThat(purged.entries()).isEqualTo(2);
        assertThat(purged.bytes()).isPositive();
        assertThat(filesUnder(dir)).isEqualTo(3);
        assertThat(filesUnder(dir.resolve("voices/bob"))).isEqualTo(1);

        // this process's index still names jane's entries: a lookup finds the files gone and synthesises again
        int before = standIn.calls.get();
        say(e, in("jane", "Welcome."));
        assertThat(standIn.calls.get()).isEqualTo(before + 1);

        await().until(() -> e.cache().stats().stores() == 6);
        PromptCache reopened = PromptCache.open(dir, 64 << 20);
        assertThat(reopened.stats().entries()).isEqualTo(4);
        assertThat(reopened.purgeVoice("jane").entries()).isEqualTo(1);
        assertThat(reopened.stats().entries()).isEqualTo(3);
        assertThat(reopened.stats().bytes()).isEqualTo(Files.walk(dir).filter(f -> f.toString().endsWith(".pcm"))
                .mapToLong(f -> f.toFile().length()).sum());
    }

    @Test
    void aSynthesisFinishingAfterItsVoiceWasRemovedIsNotStored() throws Exception {
        CachingEngine e = caching();
        standIn.hold();
        RecordingSink sink = new RecordingSink();
        CacheKey key = e.keyFor(in("jane", "Late."));
        e.synthesize(in("jane", "Late."), sink);
        await().until(() -> standIn.calls.get() == 1);
        versions.remove("jane"); // removed, and purged, while the synthesis runs
        e.cache().purgeVoice("jane");
        standIn.release();
        sink.audio();
        say(e, in(null, "After.")); // the cache's one I/O thread has run the late store by the time this is stored
        await().until(() -> e.cache().stats().stores() == 1);
        assertThat(e.cache().contains(key)).isFalse();
        assertThat(filesUnder(dir.resolve("voices/jane"))).isZero();
    }

    @Test
    void purgeAllEmptiesTheCache() throws Exception {
        CachingEngine e = caching();
        say(e, in("jane", "One."));
        say(e, in(null, "Two."));
        await().until(() -> e.cache().stats().stores() == 2);
        assertThat(e.cache().purgeAll().entries()).isEqualTo(2);
        assertThat(e.cache().stats().entries()).isZero();
        assertThat(e.cache().stats().bytes()).isZero();
        assertThat(filesUnder(dir)).isZero();
        assertThat(PromptCache.open(dir, 1 << 20).stats().entries()).isZero();
    }

    @Test
    void aPurgeThatACrashInterruptedIsFinishedWhenTheCacheOpens() throws Exception {
        Files.createDirectories(dir.resolve("voices/.trash-1234/ab"));
        Files.write(dir.resolve("voices/.trash-1234/ab/ab00.pcm"), new byte[100]);
        Files.createDirectories(dir.resolve(".trash-99/cd"));
        PromptCache cache = PromptCache.open(dir, 1 << 20);
        assertThat(cache.stats().entries()).isZero();
        assertThat(Files.exists(dir.resolve("voices/.trash-1234"))).isFalse();
        assertThat(Files.exists(dir.resolve(".trash-99"))).isFalse();
    }

    @Test
    void theFrameTierForgetsFramesOfARemovedVoiceOnly() throws Exception {
        CachingEngine e = caching();
        FrameTier tier = new FrameTier(1 << 20);
        String jane = FrameTier.keyFor(List.of(speech("jane", "Hi.")), e, TelephonyFormat.PCMU_8K, 20);
        String janeAndBob = FrameTier.keyFor(List.of(speech("bob", "Hi."), speech("jane", "Bye.")), e,
                TelephonyFormat.PCMU_8K, 20);
        String bob = FrameTier.keyFor(List.of(speech("bob", "Hi.")), e, TelephonyFormat.PCMU_8K, 20);
        versions.put("janet", "janet@v1:123");
        String janet = FrameTier.keyFor(List.of(speech("janet", "Hi.")), e, TelephonyFormat.PCMU_8K, 20);
        for (String k : List.of(jane, janeAndBob, bob, janet)) {
            assertThat(tier.put(k, frames())).isTrue();
        }
        assertThat(tier.purgeVoice("jane")).isEqualTo(2);
        assertThat(tier.get(jane)).isNull();
        assertThat(tier.get(janeAndBob)).isNull();
        assertThat(tier.get(bob)).isNotNull();
        assertThat(tier.get(janet)).isNotNull(); // a name that starts with another's is another voice
        assertThat(tier.stats().entries()).isEqualTo(2);
    }

    private static Segment.Speech speech(String voice, String text) {
        return new Segment.Speech(new SynthesisRequest(text, "en-US", new VoiceSpec(voice, null, null, null),
                SynthesisMode.CLONE, null), new Prosody(1.0, 0, null));
    }

    private static EncodedFrames frames() {
        return EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, List.of(new byte[160], new byte[160]));
    }
}
