package io.voxcpm.cache;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.Support;
import io.voxcpm.engine.VoiceSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SpeechEngine} that answers repeated requests from a {@link PromptCache}. It stores the
 * wrapped engine's own PCM (its native rate, signed 16-bit), so one entry serves every codec and rate a
 * caller resamples to, and what {@code render} or {@code say} put in the cache is what the server hits.
 *
 * <ul>
 *   <li><b>Hit:</b> the entry is read, verified and replayed to the sink in 100 ms chunks on the
 *       cache's own I/O threads; the engine is not touched. A corrupt entry is deleted and the request
 *       continues as a miss.
 *   <li><b>Miss:</b> one synthesis per key. A request for a key already being synthesised joins it: it
 *       is sent the audio produced so far, then the rest as it arrives (all sinks get the same samples).
 *       On completion the audio is stored; a failed synthesis, or one every listener cancelled, is not
 *       (the last listener to cancel cancels the engine).
 *   <li><b>Bypass:</b> a request whose {@link RequestContext#cache()} is
 *       {@link RequestContext.CachePolicy#BYPASS} (vendor parameter {@code cache=bypass}) skips the cache
 *       for reading and writing; the request goes straight to the engine.
 * </ul>
 *
 * <p>The key is built by {@link #keyFor}: normalised text, language, voice name and registry version,
 * mode, design description, gender, age, the generation parameters, the engine's name, the model version
 * given here, and the engine's sample rate. The request's context (session, cache policy) is not what is
 * said, so it is not in the key. Callbacks arrive on engine threads (first listener of a miss)
 * or the cache's I/O threads (hits and joiners); only a request the engine rejects up front gets its
 * error on the caller's thread, as the engine gives it.
 */
public final class CachingEngine implements SpeechEngine {

    private static final Logger log = LoggerFactory.getLogger(CachingEngine.class);
    private static final int CHUNK_MILLIS = 100;

    private final SpeechEngine engine;
    private final PromptCache cache;
    private final String modelVersion;
    private final VoiceVersions voiceVersions;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService io;

    /** A cache over an engine with fixed, unversioned voices. */
    public CachingEngine(SpeechEngine engine, PromptCache cache, String modelVersion) {
        this(engine, cache, modelVersion, VoiceVersions.NONE, 2);
    }

    /**
     * @param engine        the engine to cache; closed with this one
     * @param cache         the store, which may be shared with other decorators
     * @param modelVersion  what identifies the engine's model or voice data (a new model must not hit old audio)
     * @param voiceVersions the registry's version of each named voice
     * @param ioThreads     threads that read entries, replay hits to sinks and write entries
     */
    public CachingEngine(SpeechEngine engine, PromptCache cache, String modelVersion, VoiceVersions voiceVersions,
            int ioThreads) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.modelVersion = modelVersion == null ? "" : modelVersion;
        this.voiceVersions = Objects.requireNonNull(voiceVersions, "voiceVersions");
        AtomicInteger ids = new AtomicInteger();
        this.io = Executors.newFixedThreadPool(ioThreads, r -> {
            Thread t = new Thread(r, "prompt-cache-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public int sampleRate() {
        return engine.sampleRate();
    }

    @Override
    public Availability availability() {
        return engine.availability();
    }

    @Override
    public Support support(SynthesisRequest request) {
        return engine.support(request);
    }

    /** Whether the entry for {@code request} is stored (not merely being synthesised); never for a bypass. */
    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        return !bypasses(request) && cache.contains(keyFor(request));
    }

    public PromptCache cache() {
        return cache;
    }

    /** Whether {@code request} asks to skip the cache. */
    public static boolean bypasses(SynthesisRequest request) {
        return request.context().cache() == RequestContext.CachePolicy.BYPASS;
    }

    /** The key {@code request} is cached under. */
    public CacheKey keyFor(SynthesisRequest request) {
        VoiceSpec voice = request.voice();
        // the mode sits with the knobs, under the names they had when requests were string maps, so the
        // entries stored before requests were typed keep their keys
        Map<String, String> parameters = new HashMap<>(request.generation().asMap());
        if (request.mode() != null) {
            parameters.put(SynthesisMode.PARAMETER, request.mode().value());
        }
        String name = voice.nameIfSet().orElse(null);
        return CacheKey.builder()
                .text(request.text())
                .language(request.language())
                .voice(name, name == null ? null : voiceVersions.versionOf(name))
                .mode(mode(voice))
                .description(voice.description())
                .gender(voice.gender())
                .age(voice.age())
                .parameters(parameters)
                .engine(engine.name(), modelVersion)
                .output(engine.sampleRate(), CacheKey.PCM_S16LE)
                .build();
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        if (bypasses(request)) {
            cache.bypasses.incrementAndGet();
            return engine.synthesize(request, sink);
        }
        CacheKey key = keyFor(request);
        InFlight running = inFlight.get(key.digest());
        if (running != null) {
            InFlight.Listener joined = running.attach(sink);
            if (joined != null) {
                cache.joins.incrementAndGet();
                io.execute(joined::drain);
                return joined;
            }
        }
        if (cache.contains(key)) {
            Replay replay = new Replay(request, key, sink);
            io.execute(replay);
            return replay;
        }
        return synthesizeOrJoin(request, key, sink);
    }

    /** Closes the wrapped engine, then stops the I/O threads (letting pending writes finish). */
    @Override
    public void close() {
        engine.close();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Prompt cache I/O did not finish within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Synthesis synthesizeOrJoin(SynthesisRequest request, CacheKey key, AudioSink sink) {
        String digest = key.digest();
        while (true) {
            InFlight running = inFlight.get(digest);
            if (running != null) {
                InFlight.Listener joined = running.attach(sink);
                if (joined != null) {
                    cache.joins.incrementAndGet();
                    io.execute(joined::drain);
                    return joined;
                }
                inFlight.remove(digest, running); // failed or abandoned: make way for a fresh one
                continue;
            }
            InFlight[] self = new InFlight[1];
            self[0] = new InFlight(audio -> io.execute(() -> store(key, audio, self[0])),
                    () -> inFlight.remove(digest, self[0]));
            InFlight.Listener first = self[0].attach(sink);
            if (inFlight.putIfAbsent(digest, self[0]) != null) {
                continue;
            }
            cache.misses.incrementAndGet();
            self[0].started(engine.synthesize(request, self[0]));
            return first;
        }
    }

    private void store(CacheKey key, short[] audio, InFlight flight) {
        try {
            if (audio.length > 0 && stillRegistered(key)) {
                cache.put(key, engine.sampleRate(), audio);
            }
        } catch (IOException e) {
            log.warn("Cannot store cache entry {}: {}", key.digest(), e.toString());
        } finally {
            inFlight.remove(key.digest(), flight);
        }
    }

    /**
     * Whether the voice {@code key} speaks is still the version registered: a synthesis that was running when its
     * voice was removed (or replaced) must not put the voice back into the cache after the purge.
     */
    private boolean stillRegistered(CacheKey key) {
        return key.voiceVersion().isEmpty() || key.voiceVersion().equals(voiceVersions.versionOf(key.voiceName()));
    }

    private static String mode(VoiceSpec voice) {
        if (voice.description() != null && !voice.description().isBlank()) {
            return "design";
        }
        return voice.nameIfSet().isPresent() ? "voice" : "default";
    }

    /** A hit: read, verify and play an entry; if it turns out unusable, fall back to synthesising. */
    private final class Replay implements Synthesis, Runnable {

        private final SynthesisRequest request;
        private final CacheKey key;
        private final AudioSink sink;
        private volatile boolean cancelled;
        private volatile Synthesis fallback;

        Replay(SynthesisRequest request, CacheKey key, AudioSink sink) {
            this.request = request;
            this.key = key;
            this.sink = sink;
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            Optional<CachedAudio> entry = cache.get(key);
            if (entry.isEmpty()) {
                fallback = synthesizeOrJoin(request, key, sink);
                if (cancelled) {
                    fallback.cancel();
                }
                return;
            }
            cache.hits.incrementAndGet();
            short[] pcm = entry.get().samples();
            int chunk = Math.max(1, entry.get().sampleRate() * CHUNK_MILLIS / 1000);
            for (int from = 0; from < pcm.length; from += chunk) {
                if (cancelled) {
                    return;
                }
                sink.onAudio(Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + chunk)));
            }
            if (!cancelled) {
                sink.onComplete();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            Synthesis f = fallback;
            if (f != null) {
                f.cancel();
            }
        }
    }
}
