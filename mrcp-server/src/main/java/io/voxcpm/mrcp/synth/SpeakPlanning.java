package io.voxcpm.mrcp.synth;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.request.Segment;
import io.voxcpm.request.SegmentPlayer.PromptAudio;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.ssml.PronunciationLexicon;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.text.SentenceSplitter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How SPEAK bodies become segments: the registered voices, the server's generation defaults, what an
 * unknown voice name does, and the prompt recordings {@code <audio>} may play. Shared by every channel;
 * immutable and thread-safe.
 */
public final class SpeakPlanning {

    /** No registered voices or prompts, no server defaults, unknown voices rejected. */
    public static final SpeakPlanning DEFAULTS = new SpeakPlanning(VoiceCatalog.EMPTY, Map.of(), false,
            PromptAudio.NONE);

    /** Set by the catalog the planners see when a plan looks a registered voice up (see {@link Plan#readsStores}). */
    private static final ThreadLocal<boolean[]> LOOKED_UP = ThreadLocal.withInitial(() -> new boolean[1]);

    private final VoiceCatalog catalog;
    private final RequestPlanner strict;
    /** Null when an unknown voice is rejected. */
    private final RequestPlanner lenient;
    private final PromptAudio prompts;
    /** Null when SPEAKs are never served from encoded frames. */
    private final FrameTier frames;
    private final LevelMatching level;
    private final SpeakCost cost;
    private final PlanMemo memo;
    /** Nanoseconds, for how long a plan that read the stores is trusted ({@link PlanMemo}). */
    private final LongSupplier clock;

    /**
     * @param unknownVoiceFallsBack an unregistered voice name is dropped (the engine's default voice, with the
     *                              rest of the voice request) instead of failing the SPEAK
     * @throws IllegalArgumentException when a server default is invalid
     */
    public SpeakPlanning(VoiceCatalog catalog, Map<String, String> serverDefaults, boolean unknownVoiceFallsBack,
                         PromptAudio prompts) {
        this(catalog, serverDefaults, unknownVoiceFallsBack, prompts, null);
    }

    /**
     * @param frames where SPEAKs whose plan has a {@link FrameTier#keyFor key} find their audio already encoded,
     *               and leave it when they played it whole; null for none
     */
    public SpeakPlanning(VoiceCatalog catalog, Map<String, String> serverDefaults, boolean unknownVoiceFallsBack,
                         PromptAudio prompts, FrameTier frames) {
        this(catalog, serverDefaults, unknownVoiceFallsBack, prompts, frames, LevelMatching.OFF);
    }

    /** @param level the loudness synthesised audio is brought to while it streams */
    public SpeakPlanning(VoiceCatalog catalog, Map<String, String> serverDefaults, boolean unknownVoiceFallsBack,
                         PromptAudio prompts, FrameTier frames, LevelMatching level) {
        this.level = Objects.requireNonNull(level, "level");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        VoiceCatalog watched = name -> {
            LOOKED_UP.get()[0] = true;
            return catalog.find(name);
        };
        SentenceSplitter splitter = new SentenceSplitter();
        this.strict = new RequestPlanner(watched, serverDefaults, splitter, false);
        this.lenient = unknownVoiceFallsBack ? new RequestPlanner(watched, serverDefaults, splitter, true) : null;
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        this.frames = frames;
        this.cost = SpeakCost.UNLIMITED;
        this.clock = System::nanoTime;
        this.memo = newMemo();
    }

    private SpeakPlanning(SpeakPlanning base, SpeakCost cost, LongSupplier clock) {
        this.level = base.level;
        this.strict = base.strict.withCaps(cost.caps());
        this.lenient = base.lenient == null ? null : base.lenient.withCaps(cost.caps());
        this.prompts = base.prompts;
        this.frames = base.frames;
        this.cost = cost;
        this.catalog = base.catalog;
        this.clock = clock;
        this.memo = newMemo(); // other caps, other plans
    }

    private PlanMemo newMemo() {
        return new PlanMemo(() -> catalog.changes() + prompts.changes(), clock);
    }

    /** This planning with its memo on {@code clock} (a test's virtual time). */
    SpeakPlanning withClock(LongSupplier clock) {
        return new SpeakPlanning(this, cost, Objects.requireNonNull(clock, "clock"));
    }

    /** The plans of SPEAKs already seen, shared by every channel planning with this. */
    PlanMemo memo() {
        return memo;
    }

    /** This planning with the operator's bounds on what one SPEAK may cost ({@link SpeakCost}). */
    public SpeakPlanning withCost(SpeakCost cost) {
        return new SpeakPlanning(this, Objects.requireNonNull(cost, "cost"), clock);
    }

    SpeakCost cost() {
        return cost;
    }

    PromptAudio prompts() {
        return prompts;
    }

    LevelMatching level() {
        return level;
    }

    /** Null when there is none. */
    FrameTier frameTier() {
        return frames;
    }

    /**
     * What a planned SPEAK is, and the unknown-voice complaint it was planned over (null when none).
     *
     * @param readsStores the plan looked a registered voice up, or plays a recorded prompt: it holds only while
     *                    the voices and prompts stay as they are ({@link PlanMemo})
     */
    record Plan(List<Segment> segments, String fallbackReason, boolean readsStores) { }

    /**
     * Plans with the strict planner; an unknown voice is retried with the lenient one when configured, so the
     * caller can log the fallback once per SPEAK with its session tag.
     */
    Plan plan(SsmlDocument document, RequestDefaults defaults, PronunciationLexicon lexicon, RequestContext context)
            throws SynthesisException {
        boolean[] lookedUp = LOOKED_UP.get();
        lookedUp[0] = false;
        try {
            List<Segment> segments = strict.plan(document, defaults, lexicon, context);
            return new Plan(segments, null, lookedUp[0] || playsPrompts(segments));
        } catch (SynthesisException e) {
            if (lenient == null || e.reason() != SynthesisException.Reason.UNKNOWN_VOICE) {
                throw e;
            }
            List<Segment> segments = lenient.plan(document, defaults, lexicon, context);
            return new Plan(segments, e.getMessage(), true);
        }
    }

    private static boolean playsPrompts(List<Segment> segments) {
        for (Segment s : segments) {
            if (s instanceof Segment.AudioRef) {
                return true;
            }
        }
        return false;
    }
}
