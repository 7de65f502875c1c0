package io.voxcpm.mrcp.synth;

import io.voxcpm.request.ParameterCaps;
import java.time.Duration;
import java.util.Objects;

/**
 * What one SPEAK may cost the server, as the operator bounds it.
 *
 * @param caps          the highest generation parameters a caller may choose ({@link ParameterCaps})
 * @param maxSpeakAudio the most audio one SPEAK may make, silence and prompts included: a SPEAK whose breaks
 *                      alone pass it is refused at once (407, Completion-Cause 004 with the reason); one whose
 *                      speech passes it is cut there and completes 004 "its audio reached the cap"
 * @param readAhead     how much audio may be queued ahead of the caller's ear: silence is made only as it is
 *                      played, and the engine gets the next sentence only while less than this is queued
 */
public record SpeakCost(ParameterCaps caps, Duration maxSpeakAudio, Duration readAhead) {

    /** Nothing beyond the model's own ranges; no cap; never waits. */
    public static final SpeakCost UNLIMITED = new SpeakCost(ParameterCaps.MODEL, Duration.ofNanos(Long.MAX_VALUE),
            Duration.ofNanos(Long.MAX_VALUE));

    public SpeakCost {
        Objects.requireNonNull(caps, "caps");
        Objects.requireNonNull(maxSpeakAudio, "maxSpeakAudio");
        Objects.requireNonNull(readAhead, "readAhead");
    }
}
