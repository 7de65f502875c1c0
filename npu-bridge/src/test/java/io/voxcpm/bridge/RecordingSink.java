package io.voxcpm.bridge;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects what an engine delivers, and checks the SPI's ordering rules as it goes. */
final class RecordingSink implements AudioSink {

    final CompletableFuture<short[]> done = new CompletableFuture<>();
    final CompletableFuture<SynthesisException> error = new CompletableFuture<>();
    final AtomicInteger chunks = new AtomicInteger();
    final CompletableFuture<Void> firstChunk = new CompletableFuture<>();
    private final List<short[]> parts = new ArrayList<>();
    private final AtomicInteger endings = new AtomicInteger();
    /** The endpoints the engine named, in order. */
    final List<String> servedBy = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void servedBy(String endpoint) {
        if (chunks.get() > 0) {
            throw new AssertionError("an endpoint named after audio came");
        }
        servedBy.add(endpoint);
    }

    @Override
    public synchronized void onAudio(short[] samples) {
        if (endings.get() > 0) {
            throw new AssertionError("audio after the end of the stream");
        }
        parts.add(samples);
        chunks.incrementAndGet();
        firstChunk.complete(null);
    }

    @Override
    public void onComplete() {
        if (endings.incrementAndGet() > 1) {
            throw new AssertionError("stream ended twice");
        }
        done.complete(samples());
    }

    @Override
    public void onError(SynthesisException e) {
        if (endings.incrementAndGet() > 1) {
            throw new AssertionError("stream ended twice");
        }
        error.complete(e);
        done.completeExceptionally(e);
    }

    synchronized short[] samples() {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        short[] all = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    int endings() {
        return endings.get();
    }
}
