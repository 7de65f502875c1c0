package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.Segment;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.request.VoiceProfile;
import io.voxcpm.ssml.Prosody;
import io.voxcpm.ssml.SsmlDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Planning once per prompt: a prompt many sessions say is planned once, each session still gets its own context, and a
 * change to the voices is heard by the very next SPEAK (in this process) or within a second (another process).
 */
class SpeakPlanningTest {

    private final Voices voices = new Voices();
    private final SynthesizerHarness h = new SynthesizerHarness(settings(), SpeakPlanning.DEFAULTS);

    @BeforeEach
    void plansOnTheHarnessClock() {
        h.reopen(settings(), new SpeakPlanning(voices, Map.of(), false, PromptAudio.NONE)
                .withClock(h.ticker::nanoTime));
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static SynthSettings settings() {
        return new SynthSettings(Duration.ofMillis(200), 2, 1000);
    }

    @Test
    void theSamePromptIsPlannedOnceAndARegisteredVoiceChangedInThisProcessIsHeardByTheNextSpeak() {
        voices.register("jane", "a calm voice");
        assertThat(h.request("SPEAK", 1, "400 Welcome.", "Voice-Name", "jane")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(h.request("SPEAK", 2, "400 Welcome.", "Voice-Name", "jane")).isEqualTo("2 200 PENDING");
        assertThat(h.request("SPEAK", 3, "400 Welcome.", "Voice-Name", "jane")).isEqualTo("3 200 PENDING");
        h.advanceTo(3000);
        assertThat(h.messages()).hasSize(3);
        assertThat(voices.lookups).as("planned once for three SPEAKs").hasValue(1);
        assertThat(h.engine.requests()).hasSize(3).allSatisfy(r -> assertThat(r.voice().description())
                .isEqualTo("a calm voice"));

        voices.register("jane", "a bright voice");
        h.request("SPEAK", 4, "400 Welcome.", "Voice-Name", "jane");
        h.advanceTo(4000);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 4 COMPLETE 000 normal");
        assertThat(voices.lookups).as("the re-registered voice is looked up again").hasValue(2);
        assertThat(h.engine.requests().get(3).voice().description()).isEqualTo("a bright voice");

        h.advanceTo(4000 + SpeakPlanning.STORE_RECHECK_NANOS / 1_000_000 + 1);
        h.request("SPEAK", 5, "400 Welcome.", "Voice-Name", "jane");
        assertThat(voices.lookups).as("after a second the registry is read again: another process may have "
                + "changed it").hasValue(3);
    }

    @Test
    void aPlanNamingNoRegisteredVoiceNeverLooksVoicesUp() {
        h.request("SPEAK", 1, "400 Thank you for calling.");
        h.advanceTo(1000);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 000 normal");
        h.request("SPEAK", 2, "400 Thank you for calling.");
        h.advanceTo(2000);
        assertThat(voices.lookups).hasValue(0);
        assertThat(h.engine.requests()).extracting(SynthesisRequest::text)
                .containsExactly("400 Thank you for calling.", "400 Thank you for calling.");
    }

    @Test
    void eachSessionGetsTheRememberedPlanWithItsOwnContextAndCachePolicy() {
        SpeakPlanning memo = planning(() -> 0, () -> 0);
        SpeakPlanning.Prompt entry = memo.remember(SpeakPlanning.promptKey("text/plain", "Hello.", RequestDefaults.NONE),
                new SpeakAdmission.Content("Hello.", new SsmlDocument(List.of(), List.of())));
        RequestContext first = RequestContext.session("aaaa").withSource("10.0.0.1")
                .withCache(RequestContext.CachePolicy.BYPASS);
        entry.remember(new SpeakAdmission.Admitted(List.of(speech("Hello.", first)), null, " s:x"), false, 0);

        SpeakAdmission.Admitted second = entry.planned(RequestContext.session("bbbb").withSource("10.0.0.2"));

        SynthesisRequest r = ((Segment.Speech) second.segments().get(0)).request();
        assertThat(r.context().sessionTag()).isEqualTo("bbbb");
        assertThat(r.context().source()).isEqualTo("10.0.0.2");
        assertThat(r.context().cache()).as("what the SPEAK asked of the cache stays").isEqualTo(
                RequestContext.CachePolicy.BYPASS);
        assertThat(second.audioKey()).isEqualTo(" s:x");
    }

    @Test
    void aPlanThatReadTheStoresIsMadeAgainAfterAChangeOrASecondAndOneThatDidNotIsKept() {
        AtomicLong version = new AtomicLong();
        AtomicLong now = new AtomicLong();
        SpeakPlanning memo = planning(version::get, now::get);
        SpeakPlanning.Prompt stores = memo.remember(SpeakPlanning.promptKey("text/plain", "A", RequestDefaults.NONE), null);
        SpeakPlanning.Prompt none = memo.remember(SpeakPlanning.promptKey("text/plain", "B", RequestDefaults.NONE), null);
        SpeakAdmission.Admitted plan = new SpeakAdmission.Admitted(List.of(), null, null);
        stores.remember(plan, true, 0);
        none.remember(plan, false, 0);

        assertThat(stores.planned(RequestContext.NONE)).isNotNull();
        version.incrementAndGet(); // a voice or prompt added or removed in this process
        assertThat(stores.planned(RequestContext.NONE)).isNull();
        assertThat(none.planned(RequestContext.NONE)).isNotNull();

        stores.remember(plan, true, 1);
        now.set(SpeakPlanning.STORE_RECHECK_NANOS); // another process may have changed the directories meanwhile
        assertThat(stores.planned(RequestContext.NONE)).isNotNull();
        now.set(SpeakPlanning.STORE_RECHECK_NANOS + 1_000_001);
        assertThat(stores.planned(RequestContext.NONE)).isNull();
        assertThat(none.planned(RequestContext.NONE)).isNotNull();
    }

    @Test
    void longBodiesAreNotRememberedAndTheMemoStartsOverWhenFull() {
        assertThat(SpeakPlanning.promptKey("text/plain", "x".repeat(SpeakPlanning.MAX_BODY_CHARS + 1), RequestDefaults.NONE))
                .isNull();
        SpeakPlanning memo = planning(() -> 0, () -> 0);
        for (int i = 0; i <= SpeakPlanning.MAX_ENTRIES; i++) {
            memo.remember(SpeakPlanning.promptKey("text/plain", "prompt " + i, RequestDefaults.NONE), null);
        }
        assertThat(memo.seen(SpeakPlanning.promptKey("text/plain", "prompt 0", RequestDefaults.NONE))).isNull();
        assertThat(memo.seen(SpeakPlanning.promptKey("text/plain", "prompt " + SpeakPlanning.MAX_ENTRIES,
                RequestDefaults.NONE))).isNotNull();
    }

    /** A planning whose stores stand at {@code storeVersion}, remembering on {@code clock}. */
    private static SpeakPlanning planning(LongSupplier storeVersion, LongSupplier clock) {
        VoiceCatalog versioned = new VoiceCatalog() {
            @Override
            public Optional<VoiceProfile> find(String name) {
                return Optional.empty();
            }

            @Override
            public long changes() {
                return storeVersion.getAsLong();
            }
        };
        return new SpeakPlanning(versioned, Map.of(), false, PromptAudio.NONE).withClock(clock);
    }

    private static Segment.Speech speech(String text, RequestContext context) {
        return new Segment.Speech(new SynthesisRequest(text, null, null, null, null, context), Prosody.NORMAL);
    }

    /** Registered design voices, counting look-ups and changes as the server's registry does. */
    private static final class Voices implements VoiceCatalog {
        final AtomicInteger lookups = new AtomicInteger();
        private final Map<String, VoiceProfile> byName = new ConcurrentHashMap<>();
        private final AtomicLong changes = new AtomicLong();

        void register(String name, String description) {
            byName.put(name, new VoiceProfile.Design(description, Map.of()));
            changes.incrementAndGet();
        }

        @Override
        public Optional<VoiceProfile> find(String name) {
            lookups.incrementAndGet();
            return Optional.ofNullable(byName.get(name));
        }

        @Override
        public long changes() {
            return changes.get();
        }
    }
}
