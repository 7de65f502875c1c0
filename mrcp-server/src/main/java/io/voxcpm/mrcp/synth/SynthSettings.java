package io.voxcpm.mrcp.synth;

import java.time.Duration;

/**
 * Server-wide behaviour of synthesizer channels.
 *
 * @param playoutMargin     SPEAK-COMPLETE waits this long after the last RTP packet, because clients tear
 *                          the session down on SPEAK-COMPLETE and drop what their jitter buffer still holds
 * @param maxPendingSpeaks  SPEAKs that may wait behind the playing one
 * @param maxTextChars      the longest text one SPEAK may carry, after markup is removed
 * @param speechMarkers     SPEECH-MARKER events by default (a session changes it with the
 *                          Vendor-Specific-Parameter {@code speech-markers=true|false}); off, because
 *                          FreeSWITCH and Asterisk treat any event but SPEAK-COMPLETE as an error
 * @param maxRetainedFrames encoded frames of the playing SPEAK kept for CONTROL restart and backward jumps
 * @param maxLexicons       lexicons one session may define
 * @param observer          told about each SPEAK when it ends (metrics, synthesis detail records)
 */
public record SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars, boolean speechMarkers,
                            int maxRetainedFrames, int maxLexicons, SpeakObserver observer) {

    public SynthSettings {
        observer = observer == null ? SpeakObserver.NONE : observer;
    }

    public SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars, boolean speechMarkers,
                         int maxRetainedFrames, int maxLexicons) {
        this(playoutMargin, maxPendingSpeaks, maxTextChars, speechMarkers, maxRetainedFrames, maxLexicons, null);
    }

    public SynthSettings withObserver(SpeakObserver o) {
        return new SynthSettings(playoutMargin, maxPendingSpeaks, maxTextChars, speechMarkers, maxRetainedFrames,
                maxLexicons, o);
    }

    /** 30 000 frames: ten minutes at 20 ms, 4.8 MB of PCMU, 9.6 MB of L16/8000. */
    public static final SynthSettings DEFAULTS = new SynthSettings(Duration.ofMillis(200), 16, 20_000, false,
            30_000, 16);

    public SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars) {
        this(playoutMargin, maxPendingSpeaks, maxTextChars, false, DEFAULTS_RETAINED, DEFAULTS_LEXICONS);
    }

    private static final int DEFAULTS_RETAINED = 30_000;
    private static final int DEFAULTS_LEXICONS = 16;
}
