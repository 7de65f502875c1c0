package io.voxcpm.voice;

import java.util.Objects;
import java.util.Optional;

/**
 * The clip that makes a designed voice one speaker. VoxCPM2 designs a new random speaker on every
 * generation from a description, so a design voice used as is changes voice between prompts (and
 * between restarts and workers). At registration the model renders a short utterance from the
 * description, the operator listens and accepts it, and that clip and its words are stored here; every
 * later prompt continues from it (VoxCPM2's "ultimate clone"), so all prompts share its speaker.
 *
 * @param clip       the accepted rendering, 16 kHz mono 16-bit, checked against its SHA-256 when loaded
 * @param transcript the exact words of the clip (what the model was asked to say)
 * @param seed       the seed the clip was rendered with, when known (for the record; not needed to reuse it)
 */
public record Anchor(Recording clip, String transcript, Optional<Long> seed) {

    public Anchor {
        Objects.requireNonNull(clip, "clip");
        Objects.requireNonNull(transcript, "transcript");
        seed = seed == null ? Optional.empty() : seed;
    }

    public Anchor(Recording clip, String transcript, Long seed) {
        this(clip, transcript, Optional.ofNullable(seed));
    }
}
