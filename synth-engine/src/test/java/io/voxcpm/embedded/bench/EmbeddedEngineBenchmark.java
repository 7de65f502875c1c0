package io.voxcpm.embedded.bench;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Embedded MaryTTS figures: time to the first chunk and to the last, and the real-time factor, for a
 * two-sentence IVR prompt. The set-up prints how long the engine took to start. Run with
 * {@code java -cp <test classpath> org.openjdk.jmh.Main EmbeddedEngineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EmbeddedEngineBenchmark {

    private static final String PROMPT = "Welcome to the speech server. Press one for sales, two for support, "
            + "or stay on the line to speak to an operator.";

    private EmbeddedEngine engine;

    /** Milliseconds of audio produced and nanoseconds spent, so the report shows the real-time factor. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Audio {
        public long audioMillis;
        public long firstChunkMicros;
        public long requests;
    }

    @Setup(Level.Trial)
    public void start() {
        long t0 = System.nanoTime();
        engine = EmbeddedEngine.start();
        System.out.printf("%nEmbeddedEngine.start(): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @TearDown(Level.Trial)
    public void stop() {
        engine.close();
    }

    @Benchmark
    public long wholePrompt(Audio audio) throws Exception {
        AtomicLong samples = new AtomicLong();
        AtomicLong firstChunk = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        engine.synthesize(SynthesisRequest.of(PROMPT), new AudioSink() {
            @Override
            public void onAudio(short[] chunk) {
                firstChunk.compareAndSet(0, System.nanoTime() - t0);
                samples.addAndGet(chunk.length);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }

            @Override
            public void onError(SynthesisException error) {
                done.completeExceptionally(error);
            }
        });
        done.get();
        audio.audioMillis += samples.get() * 1000 / engine.sampleRate();
        audio.firstChunkMicros += firstChunk.get() / 1000;
        audio.requests++;
        return samples.get();
    }
}
