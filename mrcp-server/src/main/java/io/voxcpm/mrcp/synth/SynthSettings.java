package io.voxcpm.mrcp.synth;

import java.time.Duration;

/**
 * Server-wide behaviour of synthesizer channels.
 *
 * @param playoutMargin    SPEAK-COMPLETE waits this long after the last RTP packet, because clients tear
 *                         the session down on SPEAK-COMPLETE and drop what their jitter buffer still holds
 * @param maxPendingSpeaks SPEAKs that may wait behind the playing one
 * @param maxTextChars     the longest text one SPEAK may carry, after markup is removed
 */
public record SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars) {

    public static final SynthSettings DEFAULTS = new SynthSettings(Duration.ofMillis(200), 16, 20_000);
}
