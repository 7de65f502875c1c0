package io.voxcpm.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine whose syntheses are timed for a {@link SynthesisObserver}: time to the first chunk, time to the
 * end, audio produced, how it ended, and how many run at once. Everything else is the wrapped engine's.
 */
public final class ObservedEngine implements SpeechEngine {

    private final SpeechEngine engine;
    private final SynthesisObserver observer;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ObservedEngine(SpeechEngine engine, SynthesisObserver observer) {
        this.engine = engine;
        this.observer = observer;
    }

    /** Syntheses started and not yet ended. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The engine this one observes. */
    public SpeechEngine observed() {
        return engine;
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
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        Watch watch = new Watch(request, engine.hasAudioFor(request), sink);
        inFlight.incrementAndGet();
        Synthesis running;
        try {
            running = engine.synthesize(request, watch);
        } catch (RuntimeException e) {
            watch.end(SynthesisObserver.Outcome.FAILED, null);
            throw e;
        }
        return () -> {
            watch.end(SynthesisObserver.Outcome.CANCELLED, null);
            running.cancel();
        };
    }

    @Override
    public SpeechEngine forUtterance() {
        SpeechEngine one = engine.forUtterance();
        return one == engine ? this : new ObservedEngine(one, observer);
    }

    @Override
    public Availability availability() {
        return engine.availability();
    }

    @Override
    public Support support(SynthesisRequest request) {
        return engine.support(request);
    }

    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        return engine.hasAudioFor(request);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** The sink between the engine and the caller's: it times the chunks and reports the end once. */
    private final class Watch implements AudioSink {
        private final SynthesisRequest request;
        private final boolean fromCache;
        private final AudioSink sink;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile long firstChunkNanos = -1;
        private volatile long samples;
        private volatile String endpoint;

        Watch(SynthesisRequest request, boolean fromCache, AudioSink sink) {
            this.request = request;
            this.fromCache = fromCache;
            this.sink = sink;
        }

        @Override
        public void servedBy(String where) {
            endpoint = where;
            sink.servedBy(where);
        }

        @Override
        public void onAudio(short[] chunk) {
            if (firstChunkNanos < 0) {
                firstChunkNanos = System.nanoTime() - startNanos;
            }
            samples += chunk.length; // chunks of one synthesis arrive in order, from one thread at a time
            sink.onAudio(chunk);
        }

        @Override
        public void onComplete() {
            end(SynthesisObserver.Outcome.COMPLETED, null);
            sink.onComplete();
        }

        @Override
        public void onError(SynthesisException error) {
            end(SynthesisObserver.Outcome.FAILED, error);
            sink.onError(error);
        }

        void end(SynthesisObserver.Outcome outcome, SynthesisException failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            inFlight.decrementAndGet();
            try {
                String name = engine.name();
                observer.ended(name, endpoint == null ? name : endpoint, request, fromCache, outcome, firstChunkNanos,
                        System.nanoTime() - startNanos, samples / (double) engine.sampleRate(), failure);
            } catch (RuntimeException e) {
                // an observer's bug must never reach a call
            }
        }
    }
}
