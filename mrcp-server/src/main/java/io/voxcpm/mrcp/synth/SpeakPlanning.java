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

/**
 * How SPEAK bodies become segments: the registered voices, the server's generation defaults, what an
 * unknown voice name does, and the prompt recordings {@code <audio>} may play. Shared by every channel;
 * immutable and thread-safe.
 */
public final class SpeakPlanning {

    /** No registered voices or prompts, no server defaults, unknown voices rejected. */
    public static final SpeakPlanning DEFAULTS = new SpeakPlanning(VoiceCatalog.EMPTY, Map.of(), false,
            PromptAudio.NONE);

    private final RequestPlanner strict;
    /** Null when an unknown voice is rejected. */
    private final RequestPlanner lenient;
    private final PromptAudio prompts;
    /** Null when SPEAKs are never served from encoded frames. */
    private final FrameTier frames;
    private final LevelMatching level;
    private final SpeakCost cost;

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
        SentenceSplitter splitter = new SentenceSplitter();
        this.strict = new RequestPlanner(catalog, serverDefaults, splitter, false);
        this.lenient = unknownVoiceFallsBack ? new RequestPlanner(catalog, serverDefaults, splitter, true) : null;
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        this.frames = frames;
        this.cost = SpeakCost.UNLIMITED;
    }

    private SpeakPlanning(SpeakPlanning base, SpeakCost cost) {
        this.level = base.level;
        this.strict = base.strict.withCaps(cost.caps());
        this.lenient = base.lenient == null ? null : base.lenient.withCaps(cost.caps());
        this.prompts = base.prompts;
        this.frames = base.frames;
        this.cost = cost;
    }

    /** This planning with the operator's bounds on what one SPEAK may cost ({@link SpeakCost}). */
    public SpeakPlanning withCost(SpeakCost cost) {
        return new SpeakPlanning(this, Objects.requireNonNull(cost, "cost"));
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

    /** What a planned SPEAK is, and the unknown-voice complaint it was planned over (null when none). */
    record Plan(List<Segment> segments, String fallbackReason) { }

    /**
     * Plans with the strict planner; an unknown voice is retried with the lenient one when configured, so the
     * caller can log the fallback once per SPEAK with its session tag.
     */
    Plan plan(SsmlDocument document, RequestDefaults defaults, PronunciationLexicon lexicon, RequestContext context)
            throws SynthesisException {
        try {
            return new Plan(strict.plan(document, defaults, lexicon, context), null);
        } catch (SynthesisException e) {
            if (lenient == null || e.reason() != SynthesisException.Reason.UNKNOWN_VOICE) {
                throw e;
            }
            return new Plan(lenient.plan(document, defaults, lexicon, context), e.getMessage());
        }
    }
}
