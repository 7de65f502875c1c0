package io.voxcpm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.voice.DesignVoice;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceRegistry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code voices add --design --engine}: anchor candidates rendered, written, chosen and stored. */
class VoiceAnchorCommandTest {

    @TempDir
    Path tmp;

    /** TEST DOUBLE of a model engine: a 3 s voiced tone whose pitch follows the request's seed. */
    final class SeedTones implements SpeechEngine {
        final List<SynthesisRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "seed-tones";
        }

        @Override
        public int sampleRate() {
            return 48_000;
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            requests.add(request);
            double hz = 120 + request.generation().seed() % 100;
            short[] pcm = new short[48_000 * 3];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 48_000.0));
            }
            sink.onAudio(pcm);
            sink.onComplete();
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    final SeedTones engine = new SeedTones();
    final List<EngineOptions> opened = new ArrayList<>();
    final List<List<Voice>> forgotten = new ArrayList<>();
    volatile boolean workersDown;

    final EngineProvider provider = new EngineProvider() {
        @Override
        public SpeechEngine open(EngineOptions options) {
            opened.add(options);
            return engine;
        }

        @Override
        public List<String> forgetVoice(EngineOptions options, List<Voice> versions) throws IOException {
            if (workersDown) {
                throw new IOException("worker 127.0.0.1:1 did not delete voice: UNAVAILABLE");
            }
            forgotten.add(versions);
            return List.of("worker 127.0.0.1:1: voice deleted");
        }
    };

    String out;
    String err;

    int run(String stdin, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cli = new CommandLine(new VoicesCommand(provider,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(o, true));
        cli.setErr(new PrintWriter(e, true));
        List<String> all = new ArrayList<>(List.of("--voices-dir", tmp.resolve("voices").toString()));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void rendersCandidatesWritesThemAndStoresTheAcceptedOneAsAnchor() throws Exception {
        Path candidates = tmp.resolve("candidates");
        assertThat(run("", "add", "acme", "--design", "A warm, mature male voice", "--engine", "worker",
                "--workers", "127.0.0.1:1,127.0.0.1:2", "--seeds", "3", "--seed", "40", "--accept", "2",
                "--candidates-dir", candidates.toString(), "--anchor-text", "Welcome to Acme.")).as(err).isZero();
        assertThat(opened).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo("worker");
            assertThat(o.workers()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        });
        assertThat(engine.requests).hasSize(3).allSatisfy(r -> {
            assertThat(r.text()).isEqualTo("Welcome to Acme.");
            assertThat(r.voice().description()).isEqualTo("A warm, mature male voice");
            assertThat(r.mode()).isEqualTo(SynthesisMode.DESIGN);
        });
        assertThat(engine.requests).extracting(r -> r.generation().seed()).containsExactly(40L, 41L, 42L);
        for (int n = 1; n <= 3; n++) {
            assertThat(candidates.resolve("acme-anchor-" + n + ".wav")).isRegularFile();
        }
        assertThat(out).contains("candidate 2: ", "seed 41", "anchored to a 3.00 s rendering");

        DesignVoice voice = (DesignVoice) VoiceRegistry.open(tmp.resolve("voices")).find("acme").orElseThrow();
        assertThat(voice.anchored()).isTrue();
        assertThat(voice.anchor().orElseThrow().transcript()).isEqualTo("Welcome to Acme.");
        assertThat(voice.anchor().orElseThrow().seed()).contains(41L);
        assertThat(voice.anchor().orElseThrow().clip().durationSeconds()).isEqualTo(3.0);

        assertThat(run("", "list")).isZero();
        assertThat(out).containsPattern("acme +design \\(anchored\\) +v1 .* 3\\.0 s +ok");
        assertThat(run("", "show", "acme")).isZero();
        assertThat(out).contains("anchor:      3.00 s", "seed 41", "anchor text: Welcome to Acme.");
    }

    @Test
    void asksWhichCandidateToKeepAndZeroCancels() throws Exception {
        assertThat(run("1\n", "add", "one", "--design", "A calm voice", "--engine", "worker")).as(err).isZero();
        assertThat(out).contains("type the number to keep (1-1)");
        assertThat(run("0\n", "add", "none", "--design", "A calm voice", "--engine", "worker", "--seeds", "2")).isEqualTo(1);
        assertThat(err).contains("no candidate accepted");
        assertThat(run("", "add", "eof", "--design", "A calm voice", "--engine", "worker")).isEqualTo(1);
        assertThat(err).contains("choose with --accept N");
        VoiceRegistry registry = VoiceRegistry.open(tmp.resolve("voices"));
        assertThat(registry.find("one")).isPresent();
        assertThat(registry.find("none")).isEmpty();
        assertThat(registry.find("eof")).isEmpty();
    }

    @Test
    void anchorOptionsAreCheckedBeforeAnythingIsRendered() {
        assertThat(run("", "add", "x", "--design", "calm", "--seeds", "3")).isEqualTo(2);
        assertThat(err).contains("give --engine worker");
        assertThat(run("", "add", "x", "--design", "calm", "--engine", "embedded")).isEqualTo(2);
        assertThat(err).contains("cannot design voices");
        assertThat(run("", "add", "x", "--design", "calm", "--engine", "worker", "--seeds", "2", "--accept", "3")).isEqualTo(2);
        assertThat(run("", "add", "x", "--design", "calm (deep)", "--engine", "worker", "--accept", "1")).isEqualTo(1);
        assertThat(err).contains("parentheses");
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void removeReachesTheWorkersFirstAndKeepsTheVoiceWhenOneIsDown() throws Exception {
        assertThat(run("", "add", "acme", "--design", "A calm voice", "--engine", "worker", "--accept", "1")).isZero();
        assertThat(run("", "add", "acme", "--design", "A calmer voice")).isZero();
        workersDown = true;
        assertThat(run("", "remove", "acme", "--workers", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err).contains("UNAVAILABLE", "still registered", "--force");
        assertThat(VoiceRegistry.open(tmp.resolve("voices")).find("acme")).isPresent();
        workersDown = false;
        assertThat(run("", "remove", "acme", "--workers", "127.0.0.1:1")).isZero();
        assertThat(out).contains("voice deleted", "removed acme");
        assertThat(forgotten).singleElement().satisfies(v -> assertThat(v).extracting(Voice::version).containsExactly(1, 2));
        assertThat(Files.exists(tmp.resolve("voices").resolve("acme"))).isFalse();
        workersDown = true;
        assertThat(run("", "add", "gone", "--design", "A calm voice")).isZero();
        assertThat(run("", "remove", "gone", "--force")).isZero();
        assertThat(err).contains("--force: removing from the registry anyway");
    }
}
