package io.voxcpm.cache;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.ForwardingSpeechEngine;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.request.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory tier above the {@link PromptCache}: a planned utterance already encoded for the wire, per
 * (plan, codec, rate, ptime), within a byte budget. The disk keeps the engine's PCM (durable, one entry
 * for every format); this tier keeps what a session actually sends, so a SPEAK that hits costs no disk
 * read, no resampling and no encoding, and every session playing it reads the same {@link EncodedFrames}.
 *
 * <p><b>Keys</b> ({@link #keyFor}) name everything that changes the frames: each sentence's prompt-cache
 * key (text, voice and its registry version, mode, parameters, engine, model version), the volume the
 * player applies to it, each pause, and the output format. A re-registered voice gets a new version and
 * so a new key; its old frames are never served and age out. Marks do not change audio and are not part
 * of the key. A plan that reads anything the key cannot name (a prompt recording, a {@code cache=bypass}
 * sentence, an engine without a prompt cache) has no key and never uses the tier.
 *
 * <p><b>Loading.</b> Sessions that start the same prompt at once while it is not here yet need not each
 * read and resample it: the first to {@link #join} encodes it, the others get its frames as soon as they are
 * {@link #put} (or encode their own if it {@link #release gives up}).
 *
 * <p><b>Budget.</b> Entries are added whole once their utterance has been encoded completely; when the
 * budget is exceeded the least recently used go first. An entry larger than a quarter of the budget is
 * not kept, so one long announcement cannot flush every short prompt. Lookups take no lock.
 */
public final class FrameTier {

    /** Budget unless configured otherwise. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    /** What one entry costs besides its audio: the key, the entry and frame-set objects. */
    static final long ENTRY_OVERHEAD_BYTES = 256;

    private static final Logger log = LoggerFactory.getLogger(FrameTier.class);
    /** Follows a sentence's digest in a key, before the registered voice it speaks (names have no '@' or '*'). */
    private static final String VOICE_MARK = "@";

    private final long maxBytes;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<EncodedFrames>> loading = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    public FrameTier(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * The prompt cache an engine speaks through, seen through the fair share of its slots and the decorators
     * (the server observes every engine it builds); null when none.
     */
    private static CachingEngine cachingOf(SpeechEngine engine) {
        return ForwardingSpeechEngine.unwrap(engine, CachingEngine.class);
    }

    /**
     * The key of the frames {@code segments} produce through {@code engine} in {@code format} at
     * {@code ptimeMs}, or null when they cannot be cached (see the class comment).
     */
    public static String keyFor(List<Segment> segments, SpeechEngine engine, TelephonyFormat format, int ptimeMs) {
        String audio = audioKey(segments, engine);
        return audio == null ? null : keyFor(audio, engine, format, ptimeMs);
    }

    /**
     * What {@code segments} say through {@code engine}, whatever the format: the part of their {@link #keyFor key}
     * that hashes every sentence, so a caller that plans one prompt for many sessions hashes it once and
     * {@link #keyFor(String, SpeechEngine, TelephonyFormat, int) adds each session's format}. Null when they
     * cannot be cached.
     */
    public static String audioKey(List<Segment> segments, SpeechEngine engine) {
        CachingEngine caching = cachingOf(engine);
        if (caching == null || segments.isEmpty()) {
            return null;
        }
        StringBuilder key = new StringBuilder(80 * segments.size());
        boolean audible = false;
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                if (CachingEngine.bypasses(sp.request())) {
                    return null;
                }
                CacheKey sentence = caching.keyFor(sp.request());
                key.append(" s:").append(sentence.digest());
                if (!sentence.voiceVersion().isEmpty()) {
                    key.append(VOICE_MARK).append(sentence.voiceName()); // for purgeVoice
                }
                key.append('*').append(sp.prosody().gain());
                audible = true;
            } else if (s instanceof Segment.Pause p) {
                key.append(" p:").append(p.duration().toMillis());
            } else if (s instanceof Segment.AudioRef) {
                return null; // recordings carry no version to key on
            }
        }
        return audible ? key.toString() : null;
    }

    /** The key of the frames an {@link #audioKey} makes in {@code format} at {@code ptimeMs}. */
    public static String keyFor(String audioKey, SpeechEngine engine, TelephonyFormat format, int ptimeMs) {
        return "frames/1 " + format.encoding() + '/' + format.sampleRate() + ' ' + ptimeMs + "ms "
                + engine.sampleRate() + "Hz" + audioKey;
    }

    /** Whether frames are stored under {@code key} now; counts neither a hit nor a miss. */
    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** Whether every sentence of {@code segments} is in {@code engine}'s prompt cache (on disk) now. */
    public static boolean onDisk(List<Segment> segments, SpeechEngine engine) {
        CachingEngine caching = cachingOf(engine);
        if (caching == null) {
            return false;
        }
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp && !caching.cache().contains(caching.keyFor(sp.request()))) {
                return false;
            }
        }
        return true;
    }

    /** The frames stored under {@code key}, or null; counts a hit or a miss. */
    public EncodedFrames get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            misses.increment();
            return null;
        }
        e.lastUsed = System.nanoTime();
        hits.increment();
        return e.frames;
    }

    /**
     * Joins the session encoding {@code key}, or becomes it. Returns the frames that session will produce (they
     * complete with the frames, or with null if it gives up); or null, and the caller now encodes the key and
     * must end with {@link #put} or {@link #release}. Frames stored meanwhile are returned completed.
     */
    public CompletableFuture<EncodedFrames> join(String key) {
        CompletableFuture<EncodedFrames> mine = new CompletableFuture<>();
        CompletableFuture<EncodedFrames> other = loading.putIfAbsent(key, mine);
        if (other != null) {
            return other;
        }
        Entry stored = entries.get(key); // a put between the caller's get and this claim
        if (stored != null) {
            loading.remove(key, mine);
            mine.complete(stored.frames);
            return mine;
        }
        return null;
    }

    /** The claimant of {@code key} gives up (stopped, failed): those waiting get null and encode their own. */
    public void release(String key) {
        CompletableFuture<EncodedFrames> waiting = loading.remove(key);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /**
     * Keeps {@code frames} under {@code key} (replacing nothing: the first complete encoding wins, as all are
     * equal), then evicts least recently used entries beyond the budget. Sessions waiting for the key get the
     * frames, stored or not.
     *
     * @return whether they were stored
     */
    public boolean put(String key, EncodedFrames frames) {
        boolean stored = store(key, frames);
        // after storing: whoever joins from now on finds the entry
        CompletableFuture<EncodedFrames> waiting = loading.remove(key);
        if (waiting != null) {
            waiting.complete(frames.count() == 0 ? null : frames);
        }
        return stored;
    }

    private boolean store(String key, EncodedFrames frames) {
        long size = cost(key, frames);
        if (size > maxBytes / 4 || frames.count() == 0) {
            return false;
        }
        Entry fresh = new Entry(frames, size);
        if (entries.putIfAbsent(key, fresh) != null) {
            return false;
        }
        stores.increment();
        if (bytes.addAndGet(size) > maxBytes) {
            evict();
        }
        return true;
    }

    /**
     * Forgets every entry that speaks the registered voice {@code name} (it was removed: its audio must not stay
     * behind). Returns how many entries went.
     */
    public int purgeVoice(String name) {
        String mark = VOICE_MARK + name + "*";
        int purged = 0;
        for (String key : entries.keySet()) {
            if (key.contains(mark) && remove(key)) {
                purged++;
            }
        }
        return purged;
    }

    /** Forgets everything (a new model, or tests). */
    public void clear() {
        entries.keySet().forEach(this::remove);
    }

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), stores.sum(), evictions.sum(), entries.size(), bytes.get(),
                maxBytes);
    }

    /**
     * @param bytes what the entries cost, audio and overhead
     */
    public record Stats(long hits, long misses, long stores, long evictions, int entries, long bytes,
                        long maxBytes) { }

    private static long cost(String key, EncodedFrames frames) {
        return frames.sizeBytes() + 2L * key.length() + ENTRY_OVERHEAD_BYTES;
    }

    /** Runs only when a store overflows the budget: rare, so a sort over the entries is fine. */
    private synchronized void evict() {
        if (bytes.get() <= maxBytes) {
            return;
        }
        List<Map.Entry<String, Entry>> byAge = new ArrayList<>(entries.entrySet());
        byAge.sort(Comparator.comparingLong(e -> e.getValue().lastUsed));
        int evicted = 0;
        for (Map.Entry<String, Entry> e : byAge) {
            if (bytes.get() <= maxBytes) {
                break;
            }
            if (remove(e.getKey())) {
                evicted++;
            }
        }
        evictions.add(evicted);
        log.debug("Frame tier: evicted {} entries to stay within {} bytes", evicted, maxBytes);
    }

    private boolean remove(String key) {
        Entry e = entries.remove(key);
        if (e == null) {
            return false;
        }
        bytes.addAndGet(-e.size);
        return true;
    }

    private static final class Entry {
        final EncodedFrames frames;
        final long size;
        /** Written by every hit, racily: an approximate recency is all eviction needs. */
        volatile long lastUsed = System.nanoTime();

        Entry(EncodedFrames frames, long size) {
            this.frames = frames;
            this.size = size;
        }
    }
}
