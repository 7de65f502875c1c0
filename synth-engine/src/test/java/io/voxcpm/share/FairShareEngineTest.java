package io.voxcpm.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sharing one engine's slots among sources, on virtual time with an engine that refuses when full. */
class FairShareEngineTest {

    private final ManualTimer timer = new ManualTimer();
    /** What each synthesis's caller heard, by text. */
    private final List<String> heard = new ArrayList<>();

    private FairShareEngine share(SlotEngine engine, int maxPerSource) {
        return new FairShareEngine(engine, new FairShare(Duration.ofSeconds(3), maxPerSource, Duration.ofMillis(200)),
                timer);
    }

    private static SynthesisRequest request(String text, String source) {
        return SynthesisRequest.of(text).withContext(RequestContext.session("s-" + text).withSource(source));
    }

    private Synthesis say(SpeechEngine engine, String text, String source) {
        return engine.synthesize(request(text, source), new AudioSink() {
            @Override
            public void onAudio(short[] samples) {
                heard.add(text + " audio");
            }

            @Override
            public void onComplete() {
                heard.add(text + " done");
            }

            @Override
            public void onError(SynthesisException error) {
                heard.add(text + " " + error.reason() + ": " + error.getMessage());
            }
        });
    }

    @Test
    void eachFreedSlotGoesToTheWaitingSourceThatRunsFewest() {
        SlotEngine engine = new SlotEngine(2);
        FairShareEngine shared = share(engine, 0);
        for (int i = 1; i <= 4; i++) {
            say(shared, "a" + i, "10.0.0.1");
        }
        assertThat(engine.texts()).as("a source alone uses every slot").containsExactly("a1", "a2");
        say(shared, "b1", "10.0.0.2");
        assertThat(shared.waiting()).isEqualTo(3);
        assertThat(heard).as("a refusal by the full engine is a wait, not a failure").isEmpty();

        engine.finish("a1");
        assertThat(engine.texts()).as("the freed slot goes to the other source, not to a3").containsExactly("a2", "b1");
        engine.finish("a2");
        assertThat(engine.texts()).containsExactly("b1", "a3");
        engine.finish("b1");
        engine.finish("a3");
        engine.finish("a4");
        assertThat(heard).containsExactly("a1 audio", "a1 done", "a2 audio", "a2 done", "b1 audio", "b1 done",
                "a3 audio", "a3 done", "a4 audio", "a4 done");
        assertThat(shared.running()).isZero();
        assertThat(shared.waiting()).isZero();
        assertThat(timer.scheduled()).as("no timer left behind").isZero();
    }

    @Test
    void aWaitLongerThanTheBoundFailsOverloadedSayingWhy() {
        SlotEngine engine = new SlotEngine(1);
        FairShareEngine shared = share(engine, 0);
        say(shared, "a1", "10.0.0.1");
        say(shared, "b1", "10.0.0.2");
        timer.advanceMillis(2_999);
        assertThat(heard).isEmpty();
        timer.advanceMillis(1);
        assertThat(heard).containsExactly("b1 OVERLOADED: no engine capacity within 3000 ms: 1 syntheses running "
                + "(0 for 10.0.0.2), 0 waiting");
        assertThat(engine.asked).as("tried when it came, and again every 200 ms while the engine was full")
                .hasSize(1 + 15).containsOnly("a1", "b1");
        engine.finish("a1");
        timer.advanceMillis(1_000);
        assertThat(engine.asked).as("b1 is not tried again after it failed").hasSize(16);
        assertThat(shared.running()).isZero();
        assertThat(timer.scheduled()).isZero();
    }

    @Test
    void cachedAudioAndRequestsWithoutASourceNeverWait() {
        SlotEngine engine = new SlotEngine(1);
        engine.cached = Set.of("welcome");
        FairShareEngine shared = share(engine, 0);
        say(shared, "a1", "10.0.0.1");
        say(shared, "b1", "10.0.0.2");
        say(shared, "welcome", "10.0.0.2");
        assertThat(heard).as("a cached prompt plays at once").containsExactly("welcome audio", "welcome done");
        say(shared, "tool", null);
        assertThat(heard).as("no source: straight to the engine, which refuses it")
                .contains("tool OVERLOADED: every worker is at its concurrency limit");
        assertThat(shared.waiting()).isEqualTo(1);
    }

    @Test
    void aCancelledWaitLeavesNoTraceAndACancelledRunFreesItsSlot() {
        SlotEngine engine = new SlotEngine(1);
        FairShareEngine shared = share(engine, 0);
        Synthesis a1 = say(shared, "a1", "10.0.0.1");
        Synthesis b1 = say(shared, "b1", "10.0.0.2");
        say(shared, "c1", "10.0.0.3");
        b1.cancel();
        assertThat(shared.waiting()).isEqualTo(1);
        a1.cancel();
        assertThat(engine.texts()).containsExactly("c1");
        timer.advanceMillis(10_000);
        assertThat(heard).as("nothing reaches a cancelled caller").isEmpty();
        engine.finish("c1");
        assertThat(heard).containsExactly("c1 audio", "c1 done");
        assertThat(timer.scheduled()).isZero();
    }

    @Test
    void aSourceAtItsCapWaitsEvenWithSlotsFreeWhileOthersGoAhead() {
        SlotEngine engine = new SlotEngine(4);
        FairShareEngine shared = share(engine, 2);
        say(shared, "a1", "10.0.0.1");
        say(shared, "a2", "10.0.0.1");
        say(shared, "a3", "10.0.0.1");
        say(shared, "b1", "10.0.0.2");
        assertThat(engine.texts()).containsExactly("a1", "a2", "b1");
        assertThat(shared.waiting()).isEqualTo(1);
        engine.finish("a1");
        assertThat(engine.texts()).containsExactly("a2", "b1", "a3");
    }

    @Test
    void whenOthersHoldTheEngineAWaitingSynthesisLooksAgainUntilItGetsIn() {
        SlotEngine engine = new SlotEngine(1);
        engine.outsiders = 1;
        FairShareEngine shared = share(engine, 0);
        say(shared, "a1", "10.0.0.1");
        assertThat(engine.asked).containsExactly("a1");
        timer.advanceMillis(200);
        assertThat(engine.asked).as("tried again, refused again").containsExactly("a1", "a1");
        engine.outsiders = 0;
        timer.advanceMillis(200);
        assertThat(engine.texts()).containsExactly("a1");
        engine.finish("a1");
        assertThat(heard).containsExactly("a1 audio", "a1 done");
    }

    @Test
    void theViewsOfOneUtteranceShareTheSlots() {
        SlotEngine engine = new SlotEngine(1);
        FairShareEngine shared = share(engine, 0);
        SpeechEngine utterance = shared.forUtterance();
        say(utterance, "a1", "10.0.0.1");
        say(shared, "b1", "10.0.0.2");
        assertThat(shared.waiting()).isEqualTo(1);
        engine.finish("a1");
        assertThat(engine.texts()).containsExactly("b1");
    }
}
