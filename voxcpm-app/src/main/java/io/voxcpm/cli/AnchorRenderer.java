package io.voxcpm.cli;

import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.voice.GenerationDefaults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Renders anchor candidates for a designed voice: the anchor text spoken in design mode, once per seed,
 * each written to a WAV file for the operator to listen to. Seeds make each candidate repeatable on the
 * same model; the accepted clip itself is what keeps the voice one speaker afterwards.
 */
final class AnchorRenderer {

    /** About six seconds of varied speech: long enough for the model to hold on to, short enough to listen to. */
    static final String DEFAULT_TEXT = "Thank you for calling. I will guide you through our menu today, "
            + "clearly and calmly, one step at a time.";
    private static final long TIMEOUT_SECONDS = 300;

    /** One rendering: its seed, its audio at the engine's rate and the file it was written to. */
    record Candidate(int number, long seed, short[] pcm, int sampleRate, Path wav) {

        double seconds() {
            return (double) pcm.length / sampleRate;
        }
    }

    private AnchorRenderer() {
    }

    static List<Candidate> render(SpeechEngine engine, String description, String text, String language,
                                  GenerationDefaults defaults, List<Long> seeds, Path dir, String name)
            throws SynthesisException, IOException {
        Files.createDirectories(dir);
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            long seed = seeds.get(i);
            short[] pcm = speak(engine, new SynthesisRequest(text, language, new VoiceSpec(null, null, null, description),
                    SynthesisMode.DESIGN, defaults.toGeneration().withSeed(seed > 0 ? seed : null)));
            Path wav = dir.resolve(name + "-anchor-" + (i + 1) + ".wav");
            WavFile.write(wav, WavFile.pcm16(pcm, engine.sampleRate()));
            out.add(new Candidate(i + 1, seed, pcm, engine.sampleRate(), wav));
        }
        return out;
    }

    private static short[] speak(SpeechEngine engine, SynthesisRequest request) throws SynthesisException {
        Speaker.Collector sink = new Speaker.Collector();
        Synthesis synthesis = engine.synthesize(request, sink);
        try {
            return sink.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            synthesis.cancel();
            throw new SynthesisException(SynthesisException.Reason.ENGINE_FAILURE,
                    "no anchor rendering within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            synthesis.cancel();
            Thread.currentThread().interrupt();
            throw new SynthesisException(SynthesisException.Reason.ENGINE_FAILURE, "interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SynthesisException se ? se
                    : new SynthesisException(SynthesisException.Reason.ENGINE_FAILURE, String.valueOf(e.getCause()),
                            e.getCause());
        }
    }
}
