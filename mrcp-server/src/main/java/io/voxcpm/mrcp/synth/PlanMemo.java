package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.RequestContext;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What SPEAKs already seen were read and planned into, shared by every session: a call centre's sessions say
 * the same few prompts, so a prompt is parsed, planned (SSML, sentences, voices, prompts) and its frame-tier
 * key hashed once, not once per SPEAK. Under a burst of simultaneous SPEAKs this is what keeps the MRCP loops
 * and the planning threads free: a SPEAK whose plan is known and whose frames are stored starts on the loop
 * that answered it, with no hand-off.
 *
 * <p><b>Key.</b> Everything a plan is made from: the Content-Type as sent, the body, and the session's
 * {@link RequestDefaults} as the SPEAK inherits them (voice, language, prosody, parameters, {@code cache}).
 * SPEAKs that apply session lexicons (DEFINE-LEXICON) are not remembered: a lexicon is a session's own and
 * rarely shared, so keying on its content would cost more than it saves. Neither are bodies over
 * {@link #MAX_BODY_CHARS}.
 *
 * <p><b>Staleness.</b> A plan that read nothing outside the SPEAK (no registered voice looked up, no
 * {@code <audio>} prompt) is valid for ever. One that read the voice registry or the prompt store is valid
 * while the stores' change counter ({@link io.voxcpm.request.VoiceCatalog#changes}, {@link
 * io.voxcpm.request.SegmentPlayer.PromptAudio#changes}) stands where it stood when it was planned, so a voice
 * or prompt added, re-registered or removed in this process (admin API) is seen by the next SPEAK. Another
 * process changing the same directories (the {@code voices} and {@code prompts} commands while the server
 * runs) is not counted here: such a plan is trusted for at most {@link #STORE_RECHECK_NANOS} and then made
 * again (reading the registry from disk), so such a change is heard within a second rather than by the very
 * next SPEAK.
 *
 * <p><b>Context.</b> A plan's engine requests carry the context of the session that planned it (session tag,
 * client host); {@link Entry#planned} hands each session the plan with its own.
 *
 * <p>Bounded: at {@link #MAX_ENTRIES} distinct prompts it starts over (a memo, not a cache: losing it costs
 * one plan per prompt). Thread-safe; lookups take no lock.
 */
final class PlanMemo {

    static final int MAX_ENTRIES = 4096;
    static final int MAX_BODY_CHARS = 4096;
    static final long STORE_RECHECK_NANOS = 1_000_000_000L;

    /** What a plan is made from (see the class comment). */
    record Key(String contentType, String body, RequestDefaults defaults) { }

    /** A plan as remembered: read from the stores or not, at which store version and when. */
    private record Planned(SpeakAdmission.Admitted admitted, boolean readsStores, long storeVersion, long madeNanos) { }

    /** One prompt: its read body, and its plan once one session has made it. */
    final class Entry {
        final SpeakContent.Content content;
        private volatile Planned planned;

        private Entry(SpeakContent.Content content) {
            this.content = content;
        }

        /** The remembered plan, with {@code context} on its requests; null when there is none or it is stale. */
        SpeakAdmission.Admitted planned(RequestContext context) {
            Planned p = planned;
            if (p == null) {
                return null;
            }
            if (p.readsStores && (p.storeVersion != storeVersion.getAsLong()
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
            planned = new Planned(admitted, readsStores, storeVersionBefore, clock.getAsLong());
        }
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier storeVersion;
    private final LongSupplier clock;

    /**
     * @param storeVersion the stores' change counter (grows on every change made in this process)
     * @param clock        nanoseconds, for {@link #STORE_RECHECK_NANOS}
     */
    PlanMemo(LongSupplier storeVersion, LongSupplier clock) {
        this.storeVersion = storeVersion;
        this.clock = clock;
    }

    long storeVersion() {
        return storeVersion.getAsLong();
    }

    /** The key of a SPEAK, or null when it is not remembered (too long a body). */
    static Key keyOf(String contentType, String body, RequestDefaults defaults) {
        return body.length() > MAX_BODY_CHARS ? null : new Key(contentType, body, defaults);
    }

    /** The entry of {@code key}, or null when no SPEAK like it was read yet. */
    Entry find(Key key) {
        return entries.get(key);
    }

    /** Remembers how a SPEAK's body was read (it could be spoken); returns the entry now held for the key. */
    Entry remember(Key key, SpeakContent.Content content) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry fresh = new Entry(content);
        Entry held = entries.putIfAbsent(key, fresh);
        return held == null ? fresh : held;
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
