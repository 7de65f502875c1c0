package io.voxcpm.server;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;
import java.util.concurrent.Executor;

/** The start-up warm-up's engine: three 20 ms frames of silence per request, delivered on {@code executor}. */
final class SilentEngine implements SpeechEngine {

    private static final int RATE = 8000;
    private final Executor executor;

    SilentEngine(Executor executor) {
        this.executor = executor;
    }

    @Override
    public String name() {
        return "warm-up-silence";
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        executor.execute(() -> {
            sink.onAudio(new short[RATE * 60 / 1000]);
            sink.onComplete();
        });
        return () -> { };
    }

    @Override
    public void close() {
    }
}
