package io.voxcpm.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.voice.Anchor;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.VoiceRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A design voice anchored in the registry is one speaker: every prompt, on every worker and after a
 * worker restart, is generated from the same reference clip (checked in what each REAL Python worker
 * process reports it used), and removing the voice deletes that clip from every worker.
 */
class AnchoredDesignVoiceTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(PythonWorkerProcess.available(), "SKIPPED: " + PythonWorkerProcess.PYTHON
                + " lacks grpcio, grpcio-tools or numpy (Debian: python3-grpcio python3-grpc-tools python3-numpy)");
    }

    @Test
    void everyPromptOnEveryWorkerContinuesTheSameAnchor() throws Exception {
        VoiceRegistry registry = VoiceRegistry.open(dir);
        Recording clip = Recording.fromWav(voicedWav(3.0, 48_000), "anchor candidate 1 (seed 41)");
        registry.add("acme", new NewVoice.Design("A warm, mature male voice", null, "ops",
                new Anchor(clip, "Thank you for calling.", 41L)));
        registry.add("plain", new NewVoice.Design("A bright young voice", null, "ops"));
        String anchorSha = clip.sha256().substring(0, 16);

        try (PythonWorkerProcess a = PythonWorkerProcess.start(0);
             PythonWorkerProcess b = PythonWorkerProcess.start(0);
             WorkerEngine engine = WorkerEngine.start(WorkerPoolConfig.fromProperties(
                     Map.of(WorkerPoolConfig.ENDPOINTS, a.address() + "," + b.address())), new RegistryVoices(registry))) {
            List<String> prompts = List.of("Welcome to Acme.", "Press one for sales.", "Press two for support.",
                    "Please hold the line.", "Your call is important to us.", "Goodbye.");
            for (String prompt : prompts) {
                RecordingSink sink = new RecordingSink();
                engine.synthesize(new SynthesisRequest(prompt, null, new VoiceSpec("acme", null, null, null), null, null), sink);
                assertThat(sink.done.get(30, TimeUnit.SECONDS)).isNotEmpty();
            }
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    a.logLinesMatching("done: ") + b.logLinesMatching("done: ") == prompts.size());
            for (PythonWorkerProcess w : List.of(a, b)) {
                assertThat(w.logLinesMatching("done: ")).as("both workers served").isPositive();
                assertThat(w.logLinesMatching("done: .*reference " + anchorSha))
                        .as("every call on this worker used the anchor clip").isEqualTo(w.logLinesMatching("done: "));
                assertThat(w.logLinesMatching("ultimate-clone on instance")).isEqualTo(w.logLinesMatching("done: "));
                assertThat(w.logLinesMatching("voice v-\\w+ registered")).as("pushed once per worker").isEqualTo(1);
            }

            // An unanchored design voice still works, as a described voice with no reference.
            RecordingSink plain = new RecordingSink();
            engine.synthesize(new SynthesisRequest("Hello.", null, new VoiceSpec(null, null, null, "A bright young voice"),
                    null, null), plain);
            assertThat(plain.done.get(30, TimeUnit.SECONDS)).isNotEmpty();

            // Removing the voice reaches every worker.
            VoiceSample sample = new RegistryVoices(registry).find("acme").orElseThrow();
            assertThat(sample.wav()).isEqualTo(clip.wav());
            assertThat(sha256(sample.wav())).startsWith(anchorSha);
            List<String> lines = engine.forgetVoices(List.of(sample));
            assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("voice 'acme' deleted"));
            for (PythonWorkerProcess w : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> w.logLinesMatching(sample.workerVoiceId() + " deleted") == 1);
            }
            assertThat(engine.forgetVoices(List.of(sample))).allSatisfy(l -> assertThat(l).contains("not held"));

            // A worker restarted (without its voice directory) gets the same clip pushed again.
            a.kill();
            try (PythonWorkerProcess restarted = PythonWorkerProcess.start(a.port())) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    RecordingSink sink = new RecordingSink();
                    engine.synthesize(new SynthesisRequest("Are you still there?", null,
                            new VoiceSpec("acme", null, null, null), null, null), sink);
                    sink.done.get(30, TimeUnit.SECONDS);
                    return restarted.logLinesMatching("done: ") > 0;
                });
                assertThat(restarted.logLinesMatching("done: .*reference " + anchorSha))
                        .isEqualTo(restarted.logLinesMatching("done: "));
            }
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A voiced, amplitude-modulated tone: passes the registry's level and clipping checks. */
    private static byte[] voicedWav(double seconds, int rate) {
        int n = (int) (seconds * rate);
        ByteBuffer wav = ByteBuffer.allocate(44 + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            wav.putShort((short) Math.round(9000 * Math.sin(2 * Math.PI * 140 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t))));
        }
        return wav.array();
    }
}
