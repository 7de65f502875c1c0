package io.voxcpm.chain;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Support;
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
 * TEST DOUBLE, not an engine: every sample it produces is its {@code mark}, so a test tells which engine
 * spoke; it delivers {@link #CHUNKS} chunks on a thread of its own. Knobs: its availability and support,
 * a failure before any audio (reported on the caller's thread, as engines reject up front), a failure
 * after the first chunk, and a gate that holds it after its first chunk.
 */
final class ScriptedEngine implements SpeechEngine {

    static final int RATE = 8000;
    static final int CHUNKS = 3;
    static final int CHUNK = 80;

    final String name;
    final short mark;
    final List<SynthesisRequest> requests = new CopyOnWriteArrayList<>();
    volatile Availability availability;
    volatile Support support = Support.AS_ASKED;
    /** Non-null: every synthesis fails with it before any audio. */
    volatile Reason failBeforeAudio;
    volatile boolean failAfterFirstChunk;
    volatile CountDownLatch gate;
    private final ExecutorService thread;

    ScriptedEngine(String name, int mark) {
        this.name = name;
        this.mark = (short) mark;
        this.availability = Availability.ready(name);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scripted-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Down, as a dead model path is: says so, and a request sent anyway fails before audio. */
    void down() {
        availability = Availability.unavailable(name, name + " is down");
        failBeforeAudio = Reason.ENGINE_FAILURE;
    }

    void up() {
        availability = Availability.ready(name);
        failBeforeAudio = null;
    }

    static short[] audioOf(int mark, int chunks) {
        short[] pcm = new short[chunks * CHUNK];
        Arrays.fill(pcm, (short) mark);
        return pcm;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Support support(SynthesisRequest request) {
        return support;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        requests.add(request);
        Reason fail = failBeforeAudio;
        if (fail != null) {
            sink.onError(new SynthesisException(fail, name + " failed: " + fail));
            return () -> { };
        }
        boolean[] cancelled = {false};
        boolean failLater = failAfterFirstChunk;
        CountDownLatch held = gate;
        thread.execute(() -> {
            for (int i = 0; i < CHUNKS; i++) {
                synchronized (cancelled) {
                    if (cancelled[0]) {
                        return;
                    }
                }
                short[] c = new short[CHUNK];
                Arrays.fill(c, mark);
                sink.onAudio(c);
                if (i == 0 && failLater) {
                    sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, name + " died mid-stream"));
                    return;
                }
                if (i == 0 && held != null) {
                    try {
                        held.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            sink.onComplete();
        });
        return () -> {
            synchronized (cancelled) {
                cancelled[0] = true;
            }
        };
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
