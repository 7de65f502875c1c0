package io.voxcpm.embedded;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.Support;
import io.voxcpm.text.SentenceSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import marytts.exceptions.MaryConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The built-in engine: MaryTTS 5.2.1 with its one freely available voice, {@code cmu-slt-hsmm}
 * (US English, female), 48 kHz mono. It needs no model server, so it is the fallback voice.
 *
 * <p><b>Start-up.</b> The constructor starts MaryTTS and renders one warm-up phrase; it blocks for about
 * 2–4 s, so build the engine once, at server start. MaryTTS is a JVM-wide singleton: {@link #close()}
 * stops this engine's threads but leaves MaryTTS loaded, and a second engine starts quickly.
 *
 * <p><b>Threads.</b> A {@code LocalMaryInterface} is not safe for concurrent calls, so each of the fixed
 * worker threads owns one. Requests are split into sentences; a worker renders one sentence (MaryTTS is
 * not incremental), pushes it to the sink in chunks of at most 100 ms, and queues the next sentence
 * behind the other requests. At most {@code maxSyntheses} requests are admitted (running or waiting);
 * beyond that a request fails with {@link Reason#OVERLOADED}.
 *
 * <p><b>Callbacks.</b> Audio, completion and errors found while rendering arrive on a worker thread.
 * A request rejected up front (unsupported language, overloaded, engine closed) gets its
 * {@code onError} on the calling thread before {@code synthesize} returns; {@code synthesize} never throws
 * for a bad request.
 *
 * <p><b>Request mapping.</b> Languages: {@code en} in any region (or none); anything else is
 * {@link Reason#LANGUAGE_UNSUPPORTED}. Voice: any name other than {@code cmu-slt-hsmm} or
 * {@code default} falls back to the slt voice with one INFO line (FreeSWITCH always names a voice);
 * gender and age cannot be honoured with one voice and are ignored. Parameter {@code rate}
 * ({@code fast}, {@code 0.8}, {@code +20%}, see {@link SpeechRate}) sets the speaking rate, clamped to
 * 0.5–2x; a value it cannot read is ignored with an INFO line.
 */
public final class EmbeddedEngine implements SpeechEngine {

    public static final String NAME = "embedded-marytts";
    public static final String VOICE = MaryVoice.VOICE;
    public static final int SAMPLE_RATE = MaryVoice.SAMPLE_RATE;
    /** Requests admitted per worker thread when not given: ~50 ms per sentence keeps first audio under ~1 s. */
    public static final int DEFAULT_SYNTHESES_PER_THREAD = 16;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
    private static final int CHUNK_MILLIS = 100;

    private final ThreadPoolExecutor workers;
    private final ThreadLocal<MaryVoice> voices;
    private final SentenceSplitter splitter;
    private final int maxSyntheses;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Set<EmbeddedSynthesis> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** An engine with {@code threads} workers, {@value #DEFAULT_SYNTHESES_PER_THREAD} requests per worker. */
    public EmbeddedEngine(int threads) {
        this(threads, threads * DEFAULT_SYNTHESES_PER_THREAD, SentenceSplitter.DEFAULT_MAX_LENGTH);
    }

    /**
     * @param threads           worker threads, each with its own MaryTTS interface
     * @param maxSyntheses      requests admitted at once (running or waiting) before {@code OVERLOADED}
     * @param maxSentenceLength longest text rendered in one MaryTTS call (longer sentences are cut)
     * @throws IllegalStateException when MaryTTS cannot start
     */
    public EmbeddedEngine(int threads, int maxSyntheses, int maxSentenceLength) {
        if (threads < 1 || maxSyntheses < threads) {
            throw new IllegalArgumentException("need threads >= 1 and maxSyntheses >= threads: " + threads + ", "
                    + maxSyntheses);
        }
        this.splitter = new SentenceSplitter(maxSentenceLength);
        this.maxSyntheses = maxSyntheses;
        long t0 = System.nanoTime();
        MaryVoice first = newVoice();
        long started = System.nanoTime();
        try {
            first.speak("Ready.", SpeechRate.NORMAL); // the first utterance costs most of a second more
        } catch (Exception e) {
            throw new IllegalStateException("MaryTTS started but cannot synthesise: " + e.getMessage(), e);
        }
        log.info("MaryTTS voice {} ready in {} ms (start {} ms, warm-up {} ms), {} worker threads", VOICE,
                (System.nanoTime() - t0) / 1_000_000, (started - t0) / 1_000_000,
                (System.nanoTime() - started) / 1_000_000, threads);
        this.voices = ThreadLocal.withInitial(EmbeddedEngine::newVoice);
        AtomicInteger ids = new AtomicInteger();
        // unbounded on purpose: admission is bounded by maxSyntheses, and each admitted request has at
        // most one task queued, so a follow-on sentence is never rejected
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "marytts-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.prestartAllCoreThreads();
    }

    /** An engine with up to two workers (more gains little on MaryTTS), for the default set-up. */
    public static EmbeddedEngine start() {
        return new EmbeddedEngine(Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    /** Closed, or every admission slot taken: a request now would fail with {@link Reason#OVERLOADED}. */
    @Override
    public Availability availability() {
        if (closed) {
            return Availability.unavailable(NAME, "embedded engine closed");
        }
        return admitted.get() >= maxSyntheses
                ? Availability.unavailable(NAME, "embedded engine busy: " + maxSyntheses + " requests in progress")
                : Availability.ready(NAME);
    }

    /**
     * English only; one voice, so a registered or designed voice, a gender or age (which the planner turns
     * into a design), or any mode but zero-shot is spoken in the slt voice.
     */
    @Override
    public Support support(SynthesisRequest request) {
        if (checkLanguage(request.language()) != null) {
            return Support.NONE;
        }
        boolean ownVoice = request.voice().nameIfSet()
                .filter(n -> !n.equalsIgnoreCase(VOICE) && !n.equalsIgnoreCase("default")).isPresent()
                || request.voice().description() != null && !request.voice().description().isBlank()
                || request.mode() != null && request.mode() != SynthesisMode.ZERO_SHOT;
        return ownVoice ? Support.OWN_VOICE : Support.AS_ASKED;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        SynthesisException rejected = checkLanguage(request.language());
        if (rejected != null) {
            sink.onError(rejected);
            return () -> { };
        }
        request.voice().nameIfSet()
                .filter(n -> !n.equalsIgnoreCase(VOICE) && !n.equalsIgnoreCase("default"))
                .ifPresent(n -> log.info("Voice '{}' is not available in {}; using {}", n, NAME, VOICE));
        EmbeddedSynthesis synthesis = new EmbeddedSynthesis(this, splitter.split(request.text()),
                rate(request.generation()), sink, MDC.getCopyOfContextMap());
        if (closed) {
            sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, "embedded engine closed"));
            return synthesis;
        }
        if (admitted.incrementAndGet() > maxSyntheses) {
            admitted.decrementAndGet();
            log.warn("Embedded engine overloaded: {} requests in progress", maxSyntheses);
            sink.onError(new SynthesisException(Reason.OVERLOADED,
                    "embedded engine busy: " + maxSyntheses + " requests in progress"));
            return synthesis;
        }
        active.add(synthesis);
        schedule(synthesis);
        return synthesis;
    }

    /** Stops the workers; requests not finished end with {@link Reason#ENGINE_FAILURE}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // no shutdownNow: an interrupt makes MaryTTS fail noisily, and a sentence takes well under a second
        List<Runnable> queued = new ArrayList<>();
        workers.getQueue().drainTo(queued);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SynthesisException error = new SynthesisException(Reason.ENGINE_FAILURE, "embedded engine closed");
        for (EmbeddedSynthesis s : new ArrayList<>(active)) {
            s.fail(error);
        }
        log.info("Embedded engine closed; {} queued sentences dropped", queued.size());
    }

    void schedule(EmbeddedSynthesis synthesis) {
        try {
            workers.execute(synthesis);
        } catch (RejectedExecutionException e) {
            synthesis.fail(new SynthesisException(Reason.ENGINE_FAILURE, "embedded engine closed"));
        }
    }

    void release(EmbeddedSynthesis synthesis) {
        if (active.remove(synthesis)) {
            admitted.decrementAndGet();
        }
    }

    boolean isClosed() {
        return closed;
    }

    MaryVoice voice() {
        return voices.get();
    }

    int chunkSamples() {
        return SAMPLE_RATE * CHUNK_MILLIS / 1000;
    }

    private static SynthesisException checkLanguage(String language) {
        if (language == null || language.isBlank()) {
            return null;
        }
        String primary = Locale.forLanguageTag(language.trim().replace('_', '-')).getLanguage();
        if (primary.equals("en")) {
            return null;
        }
        return new SynthesisException(Reason.LANGUAGE_UNSUPPORTED,
                "language '" + language + "' is not supported by " + NAME + " (English only)");
    }

    private static SpeechRate rate(GenerationParameters generation) {
        return generation.rate() == null ? SpeechRate.NORMAL : new SpeechRate(generation.rate().doubleValue());
    }

    private static MaryVoice newVoice() {
        try {
            return new MaryVoice();
        } catch (MaryConfigurationException e) {
            throw new IllegalStateException("MaryTTS cannot start: " + e.getMessage(), e);
        }
    }
}
