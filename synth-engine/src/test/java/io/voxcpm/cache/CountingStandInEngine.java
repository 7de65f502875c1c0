package io.voxcpm.cache;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE, not an engine: counts its syntheses and produces a deterministic tone whose pitch and
 * length follow the text, in 10 ms chunks on a thread of its own. Knobs let tests hold it after the
 * first chunk ({@link #hold}), make it fail midway (text containing {@code FAIL}) or reject a voice
 * ({@code acme}) the way a registry-backed engine would.
 */
public final class CountingStandInEngine implements SpeechEngine {

    public static final String NAME = "counting-stand-in";
    public static final String UNKNOWN_VOICE = "acme";

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    private final int sampleRate;
    private volatile CountDownLatch gate;
    /** When set, each synthesis names it as what serves it, as a pool of workers does. */
    volatile String endpoint;

    public CountingStandInEngine(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    /** Until {@link #release}, every synthesis stops after its first chunk. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    /** The audio this double produces for {@code text}, to compare with what a sink got. */
    short[] expected(String text) {
        int n = sampleRate / 10 + Math.floorMod(text.hashCode(), sampleRate / 2);
        double freq = 200 + Math.floorMod(text.hashCode(), 800);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * freq * i / sampleRate));
        }
        return pcm;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        calls.incrementAndGet();
        if (endpoint != null) {
            sink.servedBy(endpoint);
        }
        boolean[] cancelled = {false};
        CountDownLatch held = gate;
        Thread t = new Thread(() -> {
            if (request.voice().nameIfSet().filter(UNKNOWN_VOICE::equals).isPresent()) {
                sink.onError(new SynthesisException(Reason.UNKNOWN_VOICE, "unknown voice '" + UNKNOWN_VOICE + "'"));
                return;
            }
            short[] pcm = expected(request.text());
            int chunk = sampleRate / 100;
            for (int from = 0; from < pcm.length; from += chunk) {
                synchronized (cancelled) {
                    if (cancelled[0]) {
                        return;
                    }
                }
                short[] c = new short[Math.min(chunk, pcm.length - from)];
                System.arraycopy(pcm, from, c, 0, c.length);
                sink.onAudio(c);
                if (from == 0 && held != null) {
                    try {
                        held.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (from == 0 && request.text().contains("FAIL")) {
                    sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, "stand-in failure"));
                    return;
                }
            }
            synchronized (cancelled) {
                if (!cancelled[0]) {
                    sink.onComplete();
                }
            }
        }, "stand-in-engine");
        t.start();
        return () -> {
            synchronized (cancelled) {
                if (!cancelled[0]) {
                    cancelled[0] = true;
                    cancels.incrementAndGet();
                }
            }
        };
    }

    @Override
    public void close() {
    }
}
