package io.voxcpm.request;

import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link SegmentPlayer} plays, one step at a time: a sentence to synthesise, recorded samples, silence,
 * or a mark. Prompts are looked up when the steps are made, before anything plays, so a missing one fails the
 * request up front.
 */
sealed interface PlaybackStep {

    /** A sentence for the engine, played at {@code gain} (the prosody volume). */
    record Speak(SynthesisRequest request, double gain) implements PlaybackStep {
    }

    /** A registered prompt's audio at the engine's rate. */
    record Samples(short[] pcm) implements PlaybackStep {
    }

    record Silence(long samples) implements PlaybackStep {
    }

    record MarkAt(String name) implements PlaybackStep {
    }

    /** The steps of {@code segments} at {@code sampleRate}, an {@code <audio>} replaced by its prompt or its fallback. */
    static List<PlaybackStep> of(List<Segment> segments, SegmentPlayer.PromptAudio prompts, int sampleRate)
            throws SynthesisException {
        List<PlaybackStep> steps = new ArrayList<>();
        flatten(segments, prompts, sampleRate, steps);
        return steps;
    }

    /** Samples of silence and recorded prompts: what the steps last before any sentence is spoken. */
    static long fixedSamples(List<PlaybackStep> steps) {
        long fixed = 0;
        for (PlaybackStep step : steps) {
            fixed += step instanceof Silence si ? si.samples() : step instanceof Samples sa ? sa.pcm().length : 0;
        }
        return fixed;
    }

    private static void flatten(List<Segment> segments, SegmentPlayer.PromptAudio prompts, int sampleRate,
            List<PlaybackStep> steps) throws SynthesisException {
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                steps.add(new Speak(sp.request(), sp.prosody().gain()));
            } else if (s instanceof Segment.Pause p) {
                long n = p.duration().toMillis() * sampleRate / 1000;
                if (n > 0) {
                    steps.add(new Silence(n));
                }
            } else if (s instanceof Segment.Mark m) {
                steps.add(new MarkAt(m.name()));
            } else if (s instanceof Segment.AudioRef a) {
                Optional<short[]> pcm = prompts.find(a.name(), sampleRate);
                if (pcm.isPresent()) {
                    steps.add(new Samples(pcm.get()));
                } else if (!a.fallback().isEmpty()) {
                    flatten(a.fallback(), prompts, sampleRate, steps);
                } else {
                    throw new SynthesisException(Reason.URI_FAILURE, "no registered prompt named '" + a.name() + "'");
                }
            } else if (s instanceof Segment.Text) {
                throw new IllegalArgumentException("a plan holds no unplanned text: " + s);
            }
        }
    }
}
