package io.voxcpm.share;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * TEST DOUBLE, not an engine: it runs at most {@code capacity} syntheses and refuses more with
 * {@code OVERLOADED} from inside {@code synthesize}, as the worker pool and the embedded engine do. A synthesis
 * runs until the test finishes it; texts in {@link #cached} play at once, whatever the load, as a prompt
 * cache's hits do.
 */
final class SlotEngine implements SpeechEngine {

    int capacity;
    /** Slots held by someone else (a pre-warm job, another server on the same workers). */
    int outsiders;
    final List<Running> running = new ArrayList<>();
    /** Every text the engine was asked for, refused ones too, in order. */
    final List<String> asked = new ArrayList<>();
    Set<String> cached = Set.of();

    SlotEngine(int capacity) {
        this.capacity = capacity;
    }

    final class Running implements Synthesis {
        final SynthesisRequest request;
        final AudioSink sink;
        boolean cancelled;

        Running(SynthesisRequest request, AudioSink sink) {
            this.request = request;
            this.sink = sink;
        }

        @Override
        public void cancel() {
            cancelled = true;
            running.remove(this);
        }
    }

    /** The texts running now, in the order they started. */
    List<String> texts() {
        return running.stream().map(r -> r.request.text()).toList();
    }

    /** Speaks and ends the running synthesis of {@code text}. */
    void finish(String text) {
        Running r = running.stream().filter(x -> x.request.text().equals(text)).findFirst().orElseThrow();
        running.remove(r);
        r.sink.onAudio(new short[] {1});
        r.sink.onComplete();
    }

    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        return cached.contains(request.text());
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        asked.add(request.text());
        if (cached.contains(request.text())) {
            sink.onAudio(new short[] {2});
            sink.onComplete();
            return () -> { };
        }
        if (running.size() + outsiders >= capacity) {
            sink.onError(new SynthesisException(SynthesisException.Reason.OVERLOADED,
                    "every worker is at its concurrency limit"));
            return () -> { };
        }
        Running r = new Running(request, sink);
        running.add(r);
        return r;
    }

    @Override
    public String name() {
        return "slots";
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    @Override
    public void close() {
    }
}
