package io.voxcpm.cli;

import io.voxcpm.audio.LoudnessNormalizer;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.request.RequestDefaults;
import io.voxcpm.request.RequestPlanner;
import io.voxcpm.request.Segment;
import io.voxcpm.ssml.PronunciationLexicon;
import io.voxcpm.ssml.SsmlDocument;
import io.voxcpm.ssml.SsmlParser;
import io.voxcpm.ssml.Style;
import io.voxcpm.request.SegmentPlayer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An engine (behind the prompt cache unless disabled) that the commands call one utterance at a time,
 * planning each request as a call does. Public for the server's {@code prewarm} command.
 */
public final class Speaker implements AutoCloseable {

    /** Longest one utterance may take; a stuck engine must not hang a batch. */
    private static final long TIMEOUT_SECONDS = 300;

    private final SpeechEngine engine;
    private final PromptCache cache;
    private final LoudnessNormalizer normalizer;
    private final boolean ssml;
    private final RequestPlanner planner;

    private Speaker(SpeechEngine engine, PromptCache cache, LoudnessNormalizer normalizer, boolean ssml,
                    RequestPlanner planner) {
        this.engine = engine;
        this.planner = planner;
        this.cache = cache;
        this.normalizer = normalizer;
        this.ssml = ssml;
    }

    static Speaker open(EngineProvider provider, SpeechOptions options) throws IOException {
        PromptCache cache = options.noCache ? null : options.engine.openCache();
        return open(provider, options.engine.engineOptions(), cache, options.normalizer(),
                options.ssml);
    }

    /** A speaker that fills {@code cache} (null: none), with no loudness normalisation. */
    public static Speaker open(EngineProvider provider, EngineOptions options, PromptCache cache) {
        return open(provider, options, cache, null, false);
    }

    private static Speaker open(EngineProvider provider, EngineOptions options, PromptCache cache,
                                LoudnessNormalizer normalizer, boolean ssml) {
        SpeechEngine engine = provider.open(options);
        if (cache != null) {
            engine = new CachingEngine(engine, cache, provider.modelVersion(), provider.voiceVersions(), 1);
        }
        // the planner resolves voices to modes and splits sentences exactly as a call does, so the cache
        // entries a render fills are the ones a call looks up
        return new Speaker(engine, cache, normalizer, ssml, new RequestPlanner(provider.voiceCatalog(), Map.of()));
    }

    public int sampleRate() {
        return engine.sampleRate();
    }

    /** Null when the cache is off. */
    public PromptCache cache() {
        return cache;
    }

    /** Synthesises one utterance and returns its audio, normalised if asked. */
    short[] speak(String text, String voice, String language) throws SynthesisException {
        RequestDefaults defaults = new RequestDefaults(voice, null, null, null, language, null, null, Map.of());
        Style base = RequestPlanner.baseStyle(defaults);
        return speak(defaults, ssml ? SsmlParser.parse(text, base) : SsmlDocument.text(text, base));
    }

    /**
     * Synthesises one request as a call with these MRCP-level defaults would: {@code document} read with
     * {@link RequestPlanner#baseStyle}{@code (defaults)} as its base.
     */
    public short[] speak(RequestDefaults defaults, SsmlDocument document) throws SynthesisException {
        List<Segment> segments = planner.plan(document, defaults, PronunciationLexicon.EMPTY);
        if (segments.stream().noneMatch(Segment.Speech.class::isInstance)) {
            throw new SynthesisException(Reason.INVALID_REQUEST, "no text to speak");
        }
        Collector sink = new Collector();
        Synthesis synthesis = new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, true)
                .play(segments, sink, SegmentPlayer.MarkListener.NONE);
        short[] pcm;
        try {
            pcm = sink.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            synthesis.cancel();
            throw new SynthesisException(Reason.ENGINE_FAILURE, "no result within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            synthesis.cancel();
            Thread.currentThread().interrupt();
            throw new SynthesisException(Reason.ENGINE_FAILURE, "interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SynthesisException se ? se
                    : new SynthesisException(Reason.ENGINE_FAILURE, String.valueOf(e.getCause()), e.getCause());
        }
        return normalizer == null ? pcm : normalizer.normalize(pcm, engine.sampleRate());
    }

    @Override
    public void close() {
        engine.close();
    }

    /** Gathers a synthesis's chunks into one array; {@link #done} completes with it or with the error. */
    static final class Collector implements AudioSink {
        private final List<short[]> chunks = new ArrayList<>();
        final CompletableFuture<short[]> done = new CompletableFuture<>();

        @Override
        public synchronized void onAudio(short[] samples) {
            chunks.add(samples);
        }

        @Override
        public synchronized void onComplete() {
            int n = chunks.stream().mapToInt(c -> c.length).sum();
            short[] all = new short[n];
            int at = 0;
            for (short[] c : chunks) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            done.complete(all);
        }

        @Override
        public void onError(SynthesisException error) {
            done.completeExceptionally(error);
        }
    }
}
