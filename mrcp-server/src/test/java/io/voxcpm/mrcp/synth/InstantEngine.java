package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in engine for tests on virtual time (the model cannot run here): it answers on the caller's
 * thread, at once, with as many milliseconds of 8 kHz audio as the text's first word says ({@code "400"});
 * {@code "400 fail"} fails with ENGINE_FAILURE after those 400 ms of audio. Like a real engine it sends
 * nothing after {@link Synthesis#cancel()}.
 */
final class InstantEngine implements SpeechEngine {

    static final int RATE = 8000;
    private final List<SynthesisRequest> requests = new ArrayList<>();

    List<SynthesisRequest> requests() {
        return requests;
    }

    @Override
    public String name() {
        return "instant-test";
    }

    @Override
    public int sampleRate() {
        return RATE;
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        requests.add(request);
        boolean[] cancelled = {false};
        String[] words = request.text().strip().split("\\s+");
        long samples = Long.parseLong(words[0].replaceAll("\\D", "")) * RATE / 1000;
        for (long at = 0; at < samples && !cancelled[0]; at += RATE / 10) {
            short[] chunk = new short[(int) Math.min(RATE / 10, samples - at)];
            Arrays.fill(chunk, (short) 1000);
            sink.onAudio(chunk);
        }
        if (words.length > 1 && words[1].startsWith("fail")) {
            sink.onError(new SynthesisException(SynthesisException.Reason.ENGINE_FAILURE, "failed as scripted"));
        } else {
            sink.onComplete();
        }
        return () -> cancelled[0] = true;
    }

    @Override
    public void close() {
    }
}
