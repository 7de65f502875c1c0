package io.voxcpm.bridge;

import static io.voxcpm.bridge.WorkerRig.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java pool against the REAL Python worker ({@code python3 -m voxcpm_worker --model standin}) as OS
 * processes, over real gRPC on loopback: what {@link WorkerEngineTest} checks against a Java stand-in,
 * here against the code that runs next to the NPU.
 */
class PythonWorkerTest {

    /** The stand-in's chunk: one 160 ms patch at 48 kHz. */
    private static final int CHUNK_SAMPLES = 7680;
    private static final String LONG_TEXT = "This sentence is long enough to need many chunks of audio. ".repeat(6);

    @RegisterExtension
    final WorkerRig rig = new WorkerRig();

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(PythonWorkerProcess.available(),
                "SKIPPED: " + PythonWorkerProcess.PYTHON + " lacks grpcio, grpcio-tools or numpy "
                        + "(Debian: apt-get install python3-grpcio python3-grpc-tools python3-numpy)");
    }

    private static final GenerationParameters SEEDED = GenerationParameters.NONE.withSeed(11L);

    /** Seeded: the stand-in imitates voxcpm 2.0.3, whose unseeded output differs on every call. */
    private static SynthesisRequest text(String text) {
        return new SynthesisRequest(text, null, VoiceSpec.DEFAULT, null, SEEDED);
    }

    private static SynthesisRequest voice(String text, String name, String description) {
        return new SynthesisRequest(text, null, new VoiceSpec(name, null, null, description), null, SEEDED);
    }

    /** The stand-in's documented length rule: 3 chunks plus one per 6 characters of the model's input text. */
    private static int standInChunks(String modelText) {
        return Math.max(2, 3 + modelText.length() / 6);
    }

    @Test
    void streamsAllFourModesWithVoicesPushedOnce() throws Exception {
        PythonWorkerProcess w = rig.python(0);
        Map<String, VoiceSample> registry = new HashMap<>();
        registry.put("anna", new VoiceSample("anna", toneWav(220, 16_000), "A short test recording."));
        registry.put("bert", new VoiceSample("bert", toneWav(150, 16_000), null));
        WorkerEngine engine = rig.engine(w.address(), name -> Optional.ofNullable(registry.get(name)));

        String text = "Hello from the worker.";
        RecordingSink zeroShot = run(engine, text(text));
        short[] zero = zeroShot.done.get(20, TimeUnit.SECONDS);
        assertThat(zero).hasSize(standInChunks(text) * CHUNK_SAMPLES);
        assertThat(zeroShot.chunks).hasValue(standInChunks(text));
        assertThat(run(engine, text(text)).done.get(20, TimeUnit.SECONDS)).as("deterministic").isEqualTo(zero);

        short[] design = run(engine, voice(text, null, "A calm, low voice")).done.get(20, TimeUnit.SECONDS);
        assertThat(design).hasSize(standInChunks("(A calm, low voice)" + text) * CHUNK_SAMPLES).isNotEqualTo(zero);

        short[] clone = run(engine, voice(text, "bert", null)).done.get(20, TimeUnit.SECONDS);
        short[] ultimate = run(engine, voice(text, "anna", null)).done.get(20, TimeUnit.SECONDS);
        short[] styled = run(engine, voice(text, "anna", "cheerful")).done.get(20, TimeUnit.SECONDS);
        short[] ultimateAgain = run(engine, voice(text, "anna", null)).done.get(20, TimeUnit.SECONDS);
        assertThat(List.of(clone, ultimate, styled)).allSatisfy(a -> assertThat(a).isNotEqualTo(zero));
        assertThat(ultimate).isNotEqualTo(clone).isNotEqualTo(styled).isEqualTo(ultimateAgain);
        assertThat(rms(ultimate)).as("speech-like energy").isGreaterThan(1000);

        // Two voices, each uploaded exactly once although used in five calls.
        await().atMost(Duration.ofSeconds(5)).until(() -> w.logLinesMatching("voice v-\\w+ registered") == 2);
        assertThat(w.logLinesMatching("already registered")).isZero();
        assertThat(w.logLinesMatching("ultimate-clone on instance")).isEqualTo(2);
        assertThat(w.logLinesMatching("\\] clone on instance")).isEqualTo(2);
        assertThat(w.logLinesMatching("design on instance")).isEqualTo(1);
    }

    @Test
    void cancelFreesTheWorkersOnlyInstanceForTheNextRequest() throws Exception {
        PythonWorkerProcess w = rig.python(0, "--instances", "1", "--queue-capacity", "0", "--standin-chunk-delay", "0.05");
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);
        RecordingSink sink = new RecordingSink();
        Synthesis synthesis = engine.synthesize(text(LONG_TEXT), sink);
        sink.firstChunk.get(20, TimeUnit.SECONDS);

        synthesis.cancel();
        await().atMost(Duration.ofSeconds(2)).until(() -> w.logLinesMatching("cancelled: generation stopped") == 1);

        // With no queue, the request is refused unless the instance is free again.
        String next = "Right after.";
        assertThat(run(engine, text(next)).done.get(20, TimeUnit.SECONDS)).hasSize(standInChunks(next) * CHUNK_SAMPLES);
        assertThat(sink.endings()).as("a cancelled synthesis reports nothing").isZero();
        assertThat(sink.chunks.get()).isLessThan(standInChunks(LONG_TEXT));
    }

    @Test
    void fullQueueIsOverloaded() throws Exception {
        PythonWorkerProcess w = rig.python(0, "--instances", "1", "--queue-capacity", "0", "--standin-chunk-delay", "0.05");
        WorkerEngine engine = rig.engine(w.address(), VoiceSource.NONE);
        RecordingSink holder = new RecordingSink();
        Synthesis holding = engine.synthesize(text(LONG_TEXT), holder);
        holder.firstChunk.get(20, TimeUnit.SECONDS);

        SynthesisException refused = run(engine, text("No room.")).error.get(20, TimeUnit.SECONDS);

        assertThat(refused.reason()).isEqualTo(Reason.OVERLOADED);
        assertThat(refused.getMessage()).contains("RESOURCE_EXHAUSTED", "queue is full");
        assertThat(w.logLinesMatching("refused: all 1 model instance\\(s\\) busy")).isEqualTo(1);
        holding.cancel();
        assertThat(engine.endpoints().get(0).consecutiveFailures()).as("a full worker is not a broken one").isZero();
    }

    @Test
    void killedWorkerFailsItsCallFailsOverAndIsUsedAgainAfterRestart() throws Exception {
        PythonWorkerProcess a = rig.python(0, "--standin-chunk-delay", "0.05");
        PythonWorkerProcess b = rig.python(0, "--standin-chunk-delay", "0.05");
        WorkerEngine engine = rig.engine(a.address() + "," + b.address(), VoiceSource.NONE);
        RecordingSink doomed = run(engine, text(LONG_TEXT));
        doomed.firstChunk.get(20, TimeUnit.SECONDS);
        EndpointStatus serving = engine.endpoints().stream().filter(s -> s.inFlight() == 1).findFirst().orElseThrow();
        PythonWorkerProcess victim = serving.address().equals(a.address()) ? a : b;
        PythonWorkerProcess survivor = victim == a ? b : a;

        long killedAt = System.nanoTime();
        victim.kill();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(doomed.error::isDone);
        System.out.printf("python worker kill -9 -> onError(%s): %.1f ms%n", doomed.error.get().reason(),
                (System.nanoTime() - killedAt) / 1e6);
        assertThat(doomed.error.get().reason()).isEqualTo(Reason.ENGINE_FAILURE);

        String next = "Somebody else.";
        assertThat(run(engine, text(next)).done.get(20, TimeUnit.SECONDS)).hasSize(standInChunks(next) * CHUNK_SAMPLES);
        assertThat(survivor.logLinesMatching("zero-shot on instance")).isEqualTo(1);

        // Left down until health checks open its circuit; then the same port again: the breaker's
        // half-open probes (1 s, doubling) find it and the pool takes the endpoint back.
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.endpoints().stream()
                .anyMatch(s -> s.address().equals(victim.address()) && s.circuit() != EndpointStatus.Circuit.CLOSED));
        PythonWorkerProcess reborn = rig.python(victim.port(), "--standin-chunk-delay", "0.05");
        long restartedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20)).until(() -> engine.endpoints().stream()
                .anyMatch(s -> s.address().equals(reborn.address()) && s.healthy()
                        && s.circuit() == EndpointStatus.Circuit.CLOSED));
        System.out.printf("restarted python worker serving -> back in the pool: %.0f ms%n",
                (System.nanoTime() - restartedAt) / 1e6);
        // Least recently dispatched wins a tie between idle endpoints: the reborn worker gets the next call.
        assertThat(run(engine, text(next)).done.get(20, TimeUnit.SECONDS)).hasSize(standInChunks(next) * CHUNK_SAMPLES);
        assertThat(reborn.logLinesMatching("zero-shot on instance")).isEqualTo(1);
    }

    private static double rms(short[] pcm) {
        double sum = 0;
        for (short s : pcm) {
            sum += (double) s * s;
        }
        return Math.sqrt(sum / Math.max(1, pcm.length));
    }

    /** One second of a tone as a 16-bit mono PCM WAV file. */
    static byte[] toneWav(double hz, int rate) {
        ByteBuffer pcm = ByteBuffer.allocate(rate * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate; i++) {
            pcm.putShort((short) Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        ByteBuffer head = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        head.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.capacity())
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.array());
        out.writeBytes(pcm.array());
        return out.toByteArray();
    }
}
