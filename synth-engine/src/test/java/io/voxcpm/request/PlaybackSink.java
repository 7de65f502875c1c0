package io.voxcpm.request;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** Collects one playback: samples, marks with their offsets, how it ended, and any broken promise. */
final class PlaybackSink implements AudioSink, SegmentPlayer.MarkListener {

    private final List<short[]> chunks = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<SynthesisException> done = new CompletableFuture<>();
    private final AtomicBoolean inCall = new AtomicBoolean();

    @Override
    public void onAudio(short[] chunk) {
        enter();
        chunks.add(chunk);
        inCall.set(false);
    }

    @Override
    public void onMark(String name, long sampleOffset) {
        enter();
        events.add("mark " + name + "@" + sampleOffset);
        inCall.set(false);
    }

    @Override
    public void onComplete() {
        enter();
        events.add("complete");
        done.complete(null);
        inCall.set(false);
    }

    @Override
    public void onError(SynthesisException error) {
        enter();
        events.add("error " + error.reason());
        done.complete(error);
        inCall.set(false);
    }

    /** The player promises one call at a time and nothing after the end. */
    private void enter() {
        if (!inCall.compareAndSet(false, true) || done.isDone()) {
            events.add("VIOLATION");
        }
    }

    short[] samples() {
        int n = chunks.stream().mapToInt(c -> c.length).sum();
        short[] out = new short[n];
        int at = 0;
        for (short[] c : chunks) {
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
    }

    List<String> events() {
        return List.copyOf(events);
    }
}
