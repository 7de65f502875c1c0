package io.voxcpm.request;

import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.Prosody;
import io.voxcpm.ssml.Style;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
     * @param text       the words, free of markup
     * @param language   RFC 5646 tag, or null for the engine's default
     * @param voice      what the engine gets: the registered clone voice's name, and/or the design
     *                   description (or clone style), without parentheses
     * @param prosody    rate (also in {@code params} as {@code rate}), volume (applied by the player),
     *                   pitch hint
     * @param params     validated generation parameters, {@code mode} always included
     */
    record Speech(String text, String language, VoiceSpec voice, Prosody prosody, Map<String, String> params)
            implements Segment {
        public Speech {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(voice, "voice");
            Objects.requireNonNull(prosody, "prosody");
            params = Map.copyOf(params);
        }

        /** What any {@link io.voxcpm.engine.SpeechEngine} takes. */
        public SynthesisRequest request() {
            return new SynthesisRequest(text, language, voice, params);
        }

        public SynthesisMode mode() {
            return SynthesisMode.parse(params.get(SynthesisRequest.MODE)).orElseThrow();
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
