package io.voxcpm.cache.bench;

import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Main-style benchmark (not run by surefire): time to first audio and to the last chunk for the embedded
 * engine directly (always a synthesis) versus a {@link CachingEngine} hit on the same prompts.
 * Run: {@code java -cp <test classpath> io.voxcpm.cache.bench.CacheHitBenchmark [rounds]}.
 */
public final class CacheHitBenchmark {

    private static final String[] PROMPTS = {
        "Welcome to Acme. Your call is important to us.",
        "Press one for sales, two for support, or stay on the line for an operator.",
        "Thank you for calling. Goodbye.",
    };

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("cache-bench");
        EmbeddedEngine mary = new EmbeddedEngine(1);
        try (CachingEngine cached = new CachingEngine(mary, PromptCache.open(dir, 256 << 20), "bench")) {
            for (String p : PROMPTS) {
                time(cached, p); // fill
            }
            // the cache writes on a thread of its own: measure hits only once every prompt is stored
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> cached.cache().stats().entries() >= PROMPTS.length);
            for (int warm = 0; warm < 5; warm++) {
                for (String p : PROMPTS) {
                    time(mary, p);
                    time(cached, p);
                }
            }
            long[][] synth = new long[2][rounds * PROMPTS.length];
            long[][] hit = new long[2][rounds * PROMPTS.length];
            for (int r = 0, i = 0; r < rounds; r++) {
                for (String p : PROMPTS) {
                    long[] s = time(mary, p);
                    long[] h = time(cached, p);
                    synth[0][i] = s[0];
                    synth[1][i] = s[1];
                    hit[0][i] = h[0];
                    hit[1][i] = h[1];
                    i++;
                }
            }
            System.out.printf("%d requests each, %s%n", rounds * PROMPTS.length, Runtime.version());
            report("embedded synthesis", synth);
            report("cache hit         ", hit);
            System.out.println(cached.cache().stats());
        }
    }

    /** Nanoseconds to the first chunk and to completion. */
    private static long[] time(SpeechEngine engine, String text) throws Exception {
        long start = System.nanoTime();
        long[] first = {0};
        CompletableFuture<Long> done = new CompletableFuture<>();
        engine.synthesize(SynthesisRequest.of(text), new AudioSink() {
            @Override
            public void onAudio(short[] samples) {
                if (first[0] == 0) {
                    first[0] = System.nanoTime() - start;
                }
            }

            @Override
            public void onComplete() {
                done.complete(System.nanoTime() - start);
            }

            @Override
            public void onError(SynthesisException error) {
                done.completeExceptionally(error);
            }
        });
        long total = done.get(60, TimeUnit.SECONDS);
        return new long[] {first[0], total};
    }

    private static void report(String label, long[][] ns) {
        System.out.printf("%s  first audio p50 %8.3f ms p95 %8.3f ms | complete p50 %8.3f ms p95 %8.3f ms%n", label,
                pct(ns[0], 50), pct(ns[0], 95), pct(ns[1], 50), pct(ns[1], 95));
    }

    private static double pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
    }
}
