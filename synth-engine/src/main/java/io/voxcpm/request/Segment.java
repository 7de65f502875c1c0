package io.voxcpm.request;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.Prosody;
import io.voxcpm.ssml.Style;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One step of an utterance, the one form it has from markup to audio: {@link io.voxcpm.ssml.SsmlParser}
 * reads a document into {@link Text}, {@link Pause}, {@link Mark} and {@link AudioRef}; {@link RequestPlanner}
 * turns each {@link Text} into sentence-sized {@link Speech} with a resolved voice and mode (a plan holds no
 * {@link Text}); {@link SegmentPlayer} plays the plan in order.
 */
public sealed interface Segment {

    /**
     * Words as written, with the style that applies to them: what the parser produces, before planning.
     * Whitespace is collapsed; a blank line ({@code "\n\n"}) marks a paragraph or sentence boundary from
     * {@code <p>} or {@code <s>}.
     */
    record Text(String text, Style style) implements Segment {
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(style, "style");
        }
    }

    /**
     * One sentence-sized utterance with its resolved voice and mode.
     *
     * @param request what any {@link io.voxcpm.engine.SpeechEngine} takes: the words free of markup, the
     *                language, the voice (the registered clone voice's name, and/or the design description
     *                or clone style, without parentheses), exactly one mode (the planner always sets it),
     *                the generation parameters
     *                (with the rate when it is not normal) and the caller's context
     * @param prosody rate (also in the request), volume (applied by the player), pitch hint
     */
    record Speech(SynthesisRequest request, Prosody prosody) implements Segment {
        public Speech {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(prosody, "prosody");
        }

        public String text() {
            return request.text();
        }

        public String language() {
            return request.language();
        }

        public VoiceSpec voice() {
            return request.voice();
        }

        public SynthesisMode mode() {
            return request.mode();
        }

        public GenerationParameters generation() {
            return request.generation();
        }
    }

    /** Silence ({@code <break>}). */
    record Pause(Duration duration) implements Segment {
        public Pause {
            Objects.requireNonNull(duration, "duration");
        }
    }

    /** A named position in the audio (SSML {@code <mark>}), reported when playback reaches it. */
    record Mark(String name) implements Segment {
        public Mark {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A recorded prompt ({@code <audio src="prompt:NAME">}), with what to say instead when there is no such
     * prompt: the element's content.
     */
    record AudioRef(String name, List<Segment> fallback) implements Segment {
        public AudioRef {
            Objects.requireNonNull(name, "name");
            fallback = List.copyOf(fallback);
        }
    }
}
