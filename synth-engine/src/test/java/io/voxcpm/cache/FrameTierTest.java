package io.voxcpm.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.request.Segment;
import io.voxcpm.ssml.Prosody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameTierTest {

    @TempDir
    Path dir;

    private final CountingStandInEngine standIn = new CountingStandInEngine(16000);
    private final Map<String, String> voiceVersions = new HashMap<>();
    private CachingEngine engine;

    private CachingEngine caching() throws Exception {
        engine = new CachingEngine(standIn, PromptCache.open(dir, 1 << 20), "v1", n -> voiceVersions.getOrDefault(n, ""),
                1);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Segment.Speech speech(String text, String voice, double volumeDb, SynthesisMode mode,
            RequestContext context) {
        return new Segment.Speech(new SynthesisRequest(text, "en-US", new VoiceSpec(voice, null, null, null), mode,
                GenerationParameters.NONE, context), new Prosody(1.0, volumeDb, null));
    }

    private static Segment.Speech speech(String text) {
        return speech(text, null, 0, SynthesisMode.ZERO_SHOT, RequestContext.NONE);
    }

    private static EncodedFrames frames(int count, int seed) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] f = new byte[160];
            f[0] = (byte) (seed + i);
            list.add(f);
        }
        return EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, list);
    }

    @Test
    void theSamePlanInTheSameFormatHasOneKeyAndEveryDifferenceInSoundChangesIt() throws Exception {
        CachingEngine e = caching();
        List<Segment> plan = List.of(speech("Thank you for calling."), new Segment.Pause(Duration.ofMillis(300)),
                speech("Please hold."));
        String key = FrameTier.keyFor(plan, e, TelephonyFormat.PCMU_8K, 20);

        assertThat(key).isNotNull();
        // white space normalises as in the prompt cache; marks make no sound; the session tag is not the sound
        assertThat(FrameTier.keyFor(List.of(speech(" Thank  you for calling. "), new Segment.Mark("m1"),
                new Segment.Pause(Duration.ofMillis(300)),
                speech("Please hold.", null, 0, SynthesisMode.ZERO_SHOT,
                        RequestContext.session("abc"))), e, TelephonyFormat.PCMU_8K, 20)).isEqualTo(key);
        List<String> others = List.of(
                FrameTier.keyFor(plan, e, TelephonyFormat.PCMA_8K, 20),
                FrameTier.keyFor(plan, e, TelephonyFormat.L16_16K, 20),
                FrameTier.keyFor(plan, e, TelephonyFormat.PCMU_8K, 30),
                FrameTier.keyFor(List.of(speech("Thank you for calling."), new Segment.Pause(Duration.ofMillis(500)),
                        speech("Please hold.")), e, TelephonyFormat.PCMU_8K, 20),
                FrameTier.keyFor(List.of(speech("Thank you for calling."), speech("Please hold.")), e,
                        TelephonyFormat.PCMU_8K, 20),
                FrameTier.keyFor(List.of(speech("Thank you for calling."), new Segment.Pause(Duration.ofMillis(300)),
                        speech("Please hold.", null, 6, SynthesisMode.ZERO_SHOT, RequestContext.NONE)), e,
                        TelephonyFormat.PCMU_8K, 20));
        assertThat(others).doesNotContainNull().doesNotContain(key).doesNotHaveDuplicates();
    }

    @Test
    void aReRegisteredVoiceGetsANewKey() throws Exception {
        CachingEngine e = caching();
        List<Segment> plan = List.of(speech("Hello.", "brand", 0, SynthesisMode.CLONE, RequestContext.NONE));
        voiceVersions.put("brand", "1:abc");
        String before = FrameTier.keyFor(plan, e, TelephonyFormat.PCMU_8K, 20);
        voiceVersions.put("brand", "2:def");

        assertThat(FrameTier.keyFor(plan, e, TelephonyFormat.PCMU_8K, 20)).isNotEqualTo(before);
    }

    @Test
    void plansTheKeyCannotNameHaveNoKey() throws Exception {
        CachingEngine e = caching();
        assertThat(FrameTier.keyFor(List.of(speech("Hi.", null, 0, SynthesisMode.ZERO_SHOT,
                RequestContext.NONE.withCache(RequestContext.CachePolicy.BYPASS))), e, TelephonyFormat.PCMU_8K, 20)).isNull();
        assertThat(FrameTier.keyFor(List.of(new Segment.AudioRef("welcome", List.of(speech("Hi.")))), e,
                TelephonyFormat.PCMU_8K, 20)).isNull();
        assertThat(FrameTier.keyFor(List.of(new Segment.Pause(Duration.ofSeconds(1))), e, TelephonyFormat.PCMU_8K,
                20)).isNull();
        assertThat(FrameTier.keyFor(List.of(speech("Hi.")), standIn, TelephonyFormat.PCMU_8K, 20))
                .as("an engine without a prompt cache").isNull();
    }

    @Test
    void storesOnceAndHandsEveryCallerTheSameInstance() {
        FrameTier tier = new FrameTier(1 << 20);
        EncodedFrames first = frames(10, 1);

        assertThat(tier.get("k")).isNull();
        assertThat(tier.put("k", first)).isTrue();
        assertThat(tier.put("k", frames(10, 2))).as("the first complete encoding stays").isFalse();

        assertThat(tier.get("k")).isSameAs(first);
        assertThat(tier.get("k")).isSameAs(first);
        FrameTier.Stats stats = tier.stats();
        assertThat(stats.hits()).isEqualTo(2);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.bytes()).isEqualTo(1600 + 2 + FrameTier.ENTRY_OVERHEAD_BYTES);
    }

    @Test
    void staysWithinItsBudgetByEvictingTheLeastRecentlyUsed() throws Exception {
        long entry = 1600 + 2 + FrameTier.ENTRY_OVERHEAD_BYTES;
        FrameTier tier = new FrameTier(4 * entry);
        for (String k : List.of("a", "b", "c", "d")) {
            tier.put(k, frames(10, k.charAt(0)));
            Thread.sleep(1); // distinct recency stamps
        }
        tier.get("a"); // a is now the most recent

        tier.put("e", frames(10, 5));

        assertThat(tier.get("b")).as("least recently used").isNull();
        assertThat(tier.get("a")).isNotNull();
        assertThat(tier.get("e")).isNotNull();
        assertThat(tier.stats().bytes()).isLessThanOrEqualTo(4 * entry);
        assertThat(tier.stats().evictions()).isEqualTo(1);
    }

    @Test
    void oneSessionEncodesAKeyWhileOthersWaitForItsFramesOrItsGivingUp() {
        FrameTier tier = new FrameTier(1 << 20);

        assertThat(tier.join("k")).as("the first encodes").isNull();
        var waiting = tier.join("k");
        assertThat(tier.join("k")).as("the others wait for the same frames").isSameAs(waiting);
        assertThat(waiting).isNotDone();
        EncodedFrames frames = frames(10, 1);
        tier.put("k", frames);
        assertThat(waiting).isCompletedWithValue(frames);
        assertThat(tier.join("k")).as("stored by now").isCompletedWithValue(frames);

        assertThat(tier.join("other")).isNull();
        var gaveUp = tier.join("other");
        tier.release("other");
        assertThat(gaveUp).isCompletedWithValue(null);
        assertThat(tier.join("other")).as("free to encode again").isNull();
        tier.release("other");
    }

    @Test
    void anEntryLargerThanAQuarterOfTheBudgetIsNotKept() {
        FrameTier tier = new FrameTier(4 * 1600);

        assertThat(tier.put("long", frames(10, 1))).isFalse();
        assertThat(tier.get("long")).isNull();
        assertThat(tier.stats().bytes()).isZero();
    }
}
