package io.voxcpm.embedded;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One request, rendered a sentence per task. Between sentences the task goes back to the end of the
 * engine's queue, so concurrent requests share the workers fairly and each gets its first sentence early.
 * Tasks of one synthesis never overlap (the next is queued when the previous ends), so the sink sees its
 * callbacks in order, one at a time, though possibly from different worker threads.
 */
final class EmbeddedSynthesis implements Synthesis, Runnable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSynthesis.class);

    private final EmbeddedEngine engine;
    private final List<String> sentences;
    private final SpeechRate rate;
    private final AudioSink sink;
    /** The caller's MDC (session id, Call-ID), so our log lines say which call they are about. */
    private final Map<String, String> context;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelled;
    private int next; // only touched by the task, and tasks are serialised

    EmbeddedSynthesis(EmbeddedEngine engine, List<String> sentences, SpeechRate rate, AudioSink sink,
            Map<String, String> context) {
        this.engine = engine;
        this.sentences = sentences;
        this.rate = rate;
        this.sink = sink;
        this.context = context;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            // a queued task would notice too, but the slot can be given back right away
            if (finished.compareAndSet(false, true)) {
                engine.release(this);
            }
        }
    }

    @Override
    public void run() {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        setContext(context);
        try {
            step();
        } finally {
            setContext(previous);
        }
    }

    private void step() {
        if (cancelled || finished.get()) {
            return;
        }
        if (engine.isClosed()) {
            fail(new SynthesisException(Reason.ENGINE_FAILURE, "embedded engine closed"));
            return;
        }
        if (next == sentences.size()) {
            complete();
            return;
        }
        String sentence = sentences.get(next++);
        short[] pcm;
        try {
            pcm = engine.voice().speak(sentence, rate);
        } catch (Exception | LinkageError e) {
            log.warn("MaryTTS failed on sentence {} of {}: {}", next, sentences.size(), e.toString());
            fail(new SynthesisException(Reason.ENGINE_FAILURE, "MaryTTS failed: " + e.getMessage(), e));
            return;
        }
        int chunk = engine.chunkSamples();
        for (int from = 0; from < pcm.length && !cancelled; from += chunk) {
            sink.onAudio(Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + chunk)));
        }
        if (next == sentences.size()) {
            complete();
        } else if (!cancelled) {
            engine.schedule(this);
        }
    }

    private void complete() {
        if (!cancelled && finished.compareAndSet(false, true)) {
            engine.release(this);
            sink.onComplete();
        }
    }

    /** Ends the stream with an error unless it has already ended or been cancelled. */
    void fail(SynthesisException error) {
        if (!cancelled && finished.compareAndSet(false, true)) {
            engine.release(this);
            sink.onError(error);
        }
    }

    private static void setContext(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
