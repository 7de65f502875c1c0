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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How SPEAK bodies become segments: the registered voices, the server's generation defaults, what an
 * unknown voice name does, and the prompt recordings {@code <audio>} may play. Shared by every channel;
 * thread-safe, and immutable but for what it remembers of the SPEAKs already seen.
 *
 * <p><b>Once per prompt.</b> A call centre's sessions say the same few prompts, so a prompt is parsed,
 * planned (SSML, sentences, voices, prompts) and its frame-tier key hashed once, not once per SPEAK. Under a
 * burst of simultaneous SPEAKs this is what keeps the MRCP loops and the planning threads free: a SPEAK whose
 * plan is known and whose frames are stored starts on the loop that answered it, with no hand-off.
 *
 * <p><b>Key.</b> Everything a plan is made from: the Content-Type as sent, the body, and the session's
 * {@link RequestDefaults} as the SPEAK inherits them (voice, language, prosody, parameters, {@code cache}).
 * SPEAKs that apply session lexicons (DEFINE-LEXICON) are not remembered: a lexicon is a session's own and
 * rarely shared, so keying on its content would cost more than it saves. Neither are bodies over
 * {@link #MAX_BODY_CHARS}.
 *
 * <p><b>Staleness.</b> A plan that read nothing outside the SPEAK (no registered voice looked up, no
 * {@code <audio>} prompt) is valid for ever. One that read the voice registry or the prompt store is valid
 * while the stores' change counter ({@link VoiceCatalog#changes}, {@link PromptAudio#changes}) stands where it
 * stood when it was planned, so a voice or prompt added, re-registered or removed in this process (admin API)
 * is seen by the next SPEAK. Another process changing the same directories (the {@code voices} and
 * {@code prompts} commands while the server runs) is not counted here: such a plan is trusted for at most
 * {@link #STORE_RECHECK_NANOS} and then made again (reading the registry from disk), so such a change is heard
 * within a second rather than by the very next SPEAK.
 *
 * <p><b>Context.</b> A plan's engine requests carry the context of the session that planned it (session tag,
 * client host); {@link Prompt#planned} hands each session the plan with its own.
 *
 * <p>Bounded: at {@link #MAX_ENTRIES} distinct prompts it starts over (a memo, not a cache: losing it costs
 * one plan per prompt). Lookups take no lock.
 */
public final class SpeakPlanning {

    static final int MAX_ENTRIES = 4096;
    static final int MAX_BODY_CHARS = 4096;
    static final long STORE_RECHECK_NANOS = 1_000_000_000L;

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
    /** The prompts already seen, shared by every channel planning with this: a known prompt needs nothing else. */
    private final Map<PromptKey, Prompt> seen = new ConcurrentHashMap<>();
    /** Nanoseconds, for how long a plan that read the stores is trusted ({@link #STORE_RECHECK_NANOS}). */
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
    }

    private SpeakPlanning(SpeakPlanning base, SpeakCost cost, LongSupplier clock) {
        this.level = base.level;
        this.strict = base.strict.withCaps(cost.caps());
        this.lenient = base.lenient == null ? null : base.lenient.withCaps(cost.caps());
        this.prompts = base.prompts;
        this.frames = base.frames;
        this.cost = cost;
        this.catalog = base.catalog;
        this.clock = clock; // and a memo of its own: other caps, other plans
    }

    /** This planning with what it remembers on {@code clock} (a test's virtual time). */
    SpeakPlanning withClock(LongSupplier clock) {
        return new SpeakPlanning(this, cost, Objects.requireNonNull(clock, "clock"));
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
     *                    the voices and prompts stay as they are (see the class comment)
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

    /** What a plan is made from (see the class comment). */
    record PromptKey(String contentType, String body, RequestDefaults defaults) { }

    /** The key of a SPEAK, or null when it is not remembered (too long a body). */
    static PromptKey promptKey(String contentType, String body, RequestDefaults defaults) {
        return body.length() > MAX_BODY_CHARS ? null : new PromptKey(contentType, body, defaults);
    }

    /** The prompt of {@code key}, or null when no SPEAK like it was read yet. */
    Prompt seen(PromptKey key) {
        return seen.get(key);
    }

    /** Remembers how a SPEAK's body was read (it could be spoken); returns the prompt now held for the key. */
    Prompt remember(PromptKey key, SpeakAdmission.Content content) {
        if (seen.size() >= MAX_ENTRIES) {
            seen.clear();
        }
        Prompt fresh = new Prompt(content);
        Prompt held = seen.putIfAbsent(key, fresh);
        return held == null ? fresh : held;
    }

    /** The stores' change counter: grows on every change made to the voices or prompts in this process. */
    long storeVersion() {
        return catalog.changes() + prompts.changes();
    }

    /** A plan as remembered: read from the stores or not, at which store version and when. */
    private record Remembered(SpeakAdmission.Admitted admitted, boolean readsStores, long storeVersion,
                              long madeNanos) { }

    /** One prompt: its read body, and its plan once one session has made it. */
    final class Prompt {
        final SpeakAdmission.Content content;
        private volatile Remembered planned;

        private Prompt(SpeakAdmission.Content content) {
            this.content = content;
        }

        /** The remembered plan, with {@code context} on its requests; null when there is none or it is stale. */
        SpeakAdmission.Admitted planned(RequestContext context) {
            Remembered p = planned;
            if (p == null) {
                return null;
            }
            if (p.readsStores && (p.storeVersion != storeVersion()
                    || clock.getAsLong() - p.madeNanos > STORE_RECHECK_NANOS)) {
                planned = null;
                return null;
            }
            SpeakAdmission.Admitted a = p.admitted;
            return new SpeakAdmission.Admitted(withContext(a.segments(), context), a.fallbackReason(), a.audioKey());
        }

        /**
         * Remembers {@code admitted}, planned at {@code storeVersionBefore} (read before planning, so a change
         * made while planning makes the plan stale rather than hiding it).
         */
        void remember(SpeakAdmission.Admitted admitted, boolean readsStores, long storeVersionBefore) {
            planned = new Remembered(admitted, readsStores, storeVersionBefore, clock.getAsLong());
        }
    }

    /** {@code segments} with their engine requests made for {@code context}; the cache policy planned stays. */
    private static List<Segment> withContext(List<Segment> segments, RequestContext context) {
        List<Segment> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                out.add(new Segment.Speech(sp.request().withContext(context.withCache(sp.request().context().cache())),
                        sp.prosody()));
            } else if (s instanceof Segment.AudioRef a) {
                out.add(new Segment.AudioRef(a.name(), withContext(a.fallback(), context)));
            } else {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
