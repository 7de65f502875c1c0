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
 * @param maxParameters     parameters one session may store with SET-PARAMS (each vendor parameter counts)
 * @param maxParameterBytes total size of the names and values one session stores with SET-PARAMS
 * @param observer          told about each SPEAK when it starts and ends (metrics, synthesis detail records)
 */
public record SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars, boolean speechMarkers,
                            int maxRetainedFrames, int maxLexicons, int maxParameters, int maxParameterBytes,
                            SpeakObserver observer) {

    public SynthSettings {
        observer = observer == null ? SpeakObserver.NONE : observer;
    }

    public SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars, boolean speechMarkers,
                         int maxRetainedFrames, int maxLexicons, int maxParameters, int maxParameterBytes) {
        this(playoutMargin, maxPendingSpeaks, maxTextChars, speechMarkers, maxRetainedFrames, maxLexicons,
                maxParameters, maxParameterBytes, null);
    }

    public SynthSettings withObserver(SpeakObserver o) {
        return new SynthSettings(playoutMargin, maxPendingSpeaks, maxTextChars, speechMarkers, maxRetainedFrames,
                maxLexicons, maxParameters, maxParameterBytes, o);
    }

    /**
     * 30 000 frames: ten minutes at 20 ms, 4.8 MB of PCMU, 9.6 MB of L16/8000. 64 parameters in 8 KiB hold
     * every synthesizer header and the vendor parameters a dialplan sets, with room to spare.
     */
    public static final SynthSettings DEFAULTS = new SynthSettings(Duration.ofMillis(200), 16, 20_000, false,
            30_000, 16, 64, 8 * 1024);

    public SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars, boolean speechMarkers,
                         int maxRetainedFrames, int maxLexicons) {
        this(playoutMargin, maxPendingSpeaks, maxTextChars, speechMarkers, maxRetainedFrames, maxLexicons,
                DEFAULTS_PARAMETERS, DEFAULTS_PARAMETER_BYTES);
    }

    public SynthSettings(Duration playoutMargin, int maxPendingSpeaks, int maxTextChars) {
        this(playoutMargin, maxPendingSpeaks, maxTextChars, false, DEFAULTS_RETAINED, DEFAULTS_LEXICONS);
    }

    private static final int DEFAULTS_RETAINED = 30_000;
    private static final int DEFAULTS_LEXICONS = 16;
    private static final int DEFAULTS_PARAMETERS = 64;
    private static final int DEFAULTS_PARAMETER_BYTES = 8 * 1024;
}
