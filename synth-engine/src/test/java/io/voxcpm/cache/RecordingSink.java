package io.voxcpm.cache;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records what a sink receives; {@link #audio()} waits for the end. */
public final class RecordingSink implements AudioSink {

    final List<short[]> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<SynthesisException> done = new CompletableFuture<>();
    final List<String> servedBy = new CopyOnWriteArrayList<>();

    @Override
    public void servedBy(String endpoint) {
        servedBy.add(endpoint);
    }

    @Override
    public void onAudio(short[] samples) {
        chunks.add(samples);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    @Override
    public void onError(SynthesisException error) {
        done.complete(error);
    }

    /** The whole audio once complete; fails the test on error or after 30 s. */
    public short[] audio() throws Exception {
        SynthesisException e = done.get(30, TimeUnit.SECONDS);
        if (e != null) {
            throw new AssertionError("synthesis failed: " + e.getMessage(), e);
        }
        return concat();
    }

    public SynthesisException error() throws Exception {
        return done.get(30, TimeUnit.SECONDS);
    }

    /** Whether completion or an error has arrived. */
    public boolean finished() {
        return done.isDone();
    }

    public short[] concat() {
        int n = chunks.stream().mapToInt(c -> c.length).sum();
        short[] all = new short[n];
        int at = 0;
        for (short[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }
}
