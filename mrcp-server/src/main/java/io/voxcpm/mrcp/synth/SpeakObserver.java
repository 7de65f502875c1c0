package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.CompletionCause;
import java.util.List;

/**
 * Told about every SPEAK that was admitted (queued or started) once it has ended, completed or stopped, for
 * metrics and synthesis detail records; and when one starts to play. Called on the session's executor: it
 * must not block (queue the work).
 */
@FunctionalInterface
public interface SpeakObserver {

    SpeakObserver NONE = report -> { };

    /** A SPEAK starts to play (at once or from the queue); its report will say {@code started}. */
    default void speakStarted() {
    }

    void speakEnded(SpeakReport report);

    /** What ended a SPEAK that got no SPEAK-COMPLETE. */
    enum Stop {
        /** A STOP request. */
        STOPPED,
        /** BARGE-IN-OCCURRED, the SPEAK having Kill-On-Barge-In. */
        BARGED_IN,
        /** The MRCP connection that carried it closed: nobody could hear the events. */
        CONNECTION_LOST,
        /** Its session ended (BYE, expiry, teardown). */
        SESSION_ENDED;

        /** As metrics and records name it: {@code stopped}, {@code barged_in}, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One SPEAK's life.
     *
     * @param sessionId          the MRCP session (the channel identifier without {@code @speechsynth})
     * @param callId             the SIP Call-ID of the session
     * @param requestId          the SPEAK's MRCP request id
     * @param voices             the voice names spoken (empty: the engine's default voice)
     * @param modes              the VoxCPM2 modes of its spoken segments ({@code zero_shot}, {@code design}, ...)
     * @param languages          the languages its segments named (empty: none named)
     * @param textChars          characters spoken (after markup was removed)
     * @param text               the spoken text, segments joined by a space
     * @param storedFrames       it played frames encoded before (the frame tier): no engine, no disk
     * @param engine             the engine of the session (its {@code name()})
     * @param inProgressNanos    from the SPEAK's arrival to its IN-PROGRESS response written; -1 when it was
     *                           queued (PENDING) first or refused
     * @param firstPacketNanos   from the SPEAK's arrival to its first RTP packet sent; -1 when none was sent
     * @param audioSeconds       audio sent to the caller; for one stopped or failed part-way, how far its
     *                           playback had got (to one ptime)
     * @param cause              how it ended with a SPEAK-COMPLETE (or a failure response); null when it ended
     *                           without one, and {@code stop} says why
     * @param stop               what ended it without a SPEAK-COMPLETE; null when {@code cause} is set
     * @param started            it started to play (it was not only queued or refused)
     */
    record SpeakReport(String sessionId, String callId, long requestId, List<String> voices, List<String> modes,
                       List<String> languages, int textChars, String text, boolean storedFrames, String engine,
                       long inProgressNanos, long firstPacketNanos, double audioSeconds, CompletionCause cause,
                       Stop stop, boolean started) {

        public SpeakReport {
            if ((cause == null) == (stop == null)) {
                throw new IllegalArgumentException("a SPEAK ends with a cause or a stop, not " + cause + "/" + stop);
            }
        }

        /**
         * How it ended as records and metrics name it: the completion cause ({@code normal}, {@code error},
         * ...) or the stop ({@code stopped}, {@code barged_in}, {@code connection_lost}, {@code session_ended}).
         */
        public String causeName() {
            return cause == null ? stop.label() : cause.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
