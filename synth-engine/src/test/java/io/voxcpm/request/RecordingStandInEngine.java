package io.voxcpm.request;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * TEST DOUBLE, not an engine: renders each request as deterministic PCM on its own thread so the order
 * and length of what a player delivers can be checked sample by sample. A text of n chars becomes
 * {@code n * SAMPLES_PER_CHAR} samples of the constant {@link #level(String)}, in chunks of 7 samples.
 * Texts steer it: {@code FAIL} fails after one chunk, {@code REJECT} fails synchronously inside
 * {@code synthesize}, {@code HOLD} waits for {@link #release()} and then ignores cancellation (a chunk
 * in flight). It records every request and cancellation.
 */
final class RecordingStandInEngine implements SpeechEngine {

    static final int RATE = 8000;
    static final int SAMPLES_PER_CHAR = 10;
    private static final int CHUNK = 7;

    final List<SynthesisRequest> requests = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    // two threads so a prefetched request really runs alongside the current one
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    /** The sample value a text is rendered with: distinct per text, never 0 (silence). */
    static short level(String text) {
        return (short) (1000 + Math.floorMod(text.hashCode(), 20000));
    }

    static short[] pcm(String text) {
        short[] s = new short[text.length() * SAMPLES_PER_CHAR];
        Arrays.fill(s, level(text));
        return s;
    }

    void release() {
        release.countDown();
    }

    @Override
    public String name() {
        return "stand-in";
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        requests.add(request);
        String text = request.text();
        if (text.contains("REJECT")) {
            sink.onError(new SynthesisException(Reason.LANGUAGE_UNSUPPORTED, "rejected: " + text));
            return () -> cancelled.add(text);
        }
        var flag = new java.util.concurrent.atomic.AtomicBoolean();
        threads.execute(() -> {
            if (text.contains("HOLD")) {
                holding.countDown();
                await(release);
            } else if (flag.get()) {
                return;
            }
            short[] all = pcm(text);
            for (int i = 0; i < all.length; i += CHUNK) {
                sink.onAudio(Arrays.copyOfRange(all, i, Math.min(all.length, i + CHUNK)));
                if (text.contains("FAIL")) {
                    sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, "failed: " + text));
                    return;
                }
                if (flag.get() && !text.contains("HOLD")) {
                    return;
                }
            }
            sink.onComplete();
        });
        return () -> {
            flag.set(true);
            cancelled.add(text);
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
