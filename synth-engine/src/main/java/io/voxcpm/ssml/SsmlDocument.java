package io.voxcpm.ssml;

import io.voxcpm.request.Segment;
import java.util.List;

/**
 * An SSML document as read once by {@link SsmlParser}: its segments in document order, and the URIs of
 * its {@code <lexicon>} elements in document order (never fetched: the server resolves {@code session:}
 * ones to lexicons defined with DEFINE-LEXICON).
 */
public record SsmlDocument(List<Segment> segments, List<String> lexicons) {

    public SsmlDocument {
        segments = List.copyOf(segments);
        lexicons = List.copyOf(lexicons);
    }

    /** A plain-text body: one {@link Segment.Text} in {@code style}. */
    public static SsmlDocument text(String text, Style style) {
        return new SsmlDocument(List.of(new Segment.Text(text, style)), List.of());
    }

    /** The words it would speak, fallback content included: what a length limit counts. */
    public String spokenText() {
        StringBuilder out = new StringBuilder();
        append(segments, out);
        return out.toString().strip();
    }

    /** Whether it holds anything to play: words or a recorded prompt. */
    public boolean isAudible() {
        return segments.stream().anyMatch(s -> s instanceof Segment.AudioRef
                || s instanceof Segment.Text t && !t.text().isBlank());
    }

    private static void append(List<Segment> segments, StringBuilder out) {
        for (Segment s : segments) {
            if (s instanceof Segment.Text t) {
                out.append(t.text());
            } else if (s instanceof Segment.AudioRef a) {
                append(a.fallback(), out);
            }
        }
    }
}
