package io.voxcpm.ssml;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** One piece of a parsed SSML document, in document order. */
public sealed interface SsmlPart {

    /**
     * Words to speak with the style that applies to them. Whitespace is collapsed; a blank line
     * ({@code "\n\n"}) marks a paragraph or sentence boundary from {@code <p>} or {@code <s>}.
     */
    record Text(String text, Style style) implements SsmlPart {
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(style, "style");
        }
    }

    /** Silence from {@code <break>}. */
    record Break(Duration duration) implements SsmlPart {
        public Break {
            Objects.requireNonNull(duration, "duration");
        }
    }

    /** A {@code <mark name="...">}: the place in the audio where a server reports SPEECH-MARKER. */
    record Mark(String name) implements SsmlPart {
        public Mark {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * An {@code <audio>} naming a registered prompt. {@code fallback} is the element's content, spoken
     * when the prompt cannot be played.
     */
    record Audio(String name, List<SsmlPart> fallback) implements SsmlPart {
        public Audio {
            Objects.requireNonNull(name, "name");
            fallback = List.copyOf(fallback);
        }
    }
}
