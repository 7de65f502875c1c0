package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.request.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Builds the {@link SpeakObserver.SpeakReport} of a SPEAK from what the channel kept of it. */
final class SpeakReports {

    private SpeakReports() { }

    /**
     * A SPEAK started to play; for one that started at once, notes when its IN-PROGRESS response has been
     * written.
     */
    static void started(Speak speak, CompletionStage<Void> inProgress, boolean fromQueue, SpeakObserver observer) {
        observer.speakStarted();
        if (inProgress != null && !fromQueue) {
            inProgress.thenRun(() -> speak.inProgressNanos = System.nanoTime() - speak.arrivedNanos);
        }
    }

    /** Reports {@code speak} unless it was reported before (a failure both halts and completes it). */
    static void ended(Speak speak, SpeakObserver observer, SpeakObserver.SpeakReport report) {
        if (!speak.reported) {
            speak.reported = true;
            observer.speakEnded(report);
        }
    }

    /**
     * @param logTag {@code [session-id call-id]}, as the session layer makes it
     * @param cause  how it completed; null when it was stopped without a SPEAK-COMPLETE
     * @param stop   what stopped it; null when it completed
     */
    static SpeakObserver.SpeakReport of(Speak speak, String sessionId, String logTag, String engine, int ptimeMs,
                                        CompletionCause cause, SpeakObserver.Stop stop) {
        List<String> voices = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<String> languages = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Segment s : speak.segments == null ? List.<Segment>of() : speak.segments) {
            if (s instanceof Segment.Speech sp) {
                addOnce(voices, sp.voice().name());
                addOnce(modes, sp.mode().value());
                addOnce(languages, sp.language());
                text.append(text.length() == 0 ? "" : " ").append(sp.text());
            }
        }
        SpeakPlayback playback = speak.playback;
        long firstPacket = playback == null ? -1 : playback.firstPacketNanos();
        double audioSeconds = 0;
        if (playback != null && firstPacket >= 0) {
            // stopped or failed part-way: how far the playback had got, by the playout model (pauses and an
            // engine slower than real time accounted for), to one ptime
            long frames = cause == CompletionCause.NORMAL ? playback.framesQueued() : playback.framesPlayed();
            audioSeconds = frames * ptimeMs / 1000.0;
        }
        return new SpeakObserver.SpeakReport(sessionId, callIdOf(logTag), speak.requestId(), voices, modes,
                languages, text.length() - Math.max(0, countSpeech(speak) - 1), text.toString(),
                speak.fromFrameTier, engine, speak.inProgressNanos,
                firstPacket < 0 ? -1 : firstPacket - speak.arrivedNanos, audioSeconds, cause, stop, playback != null);
    }

    private static int countSpeech(Speak speak) {
        int n = 0;
        for (Segment s : speak.segments == null ? List.<Segment>of() : speak.segments) {
            if (s instanceof Segment.Speech) {
                n++;
            }
        }
        return n;
    }

    /** A SPEAK refused before it was queued: nothing was spoken. */
    static SpeakObserver.SpeakReport refused(String sessionId, String logTag, long requestId, String engine,
                                             CompletionCause cause) {
        return new SpeakObserver.SpeakReport(sessionId, callIdOf(logTag), requestId, List.of(), List.of(), List.of(),
                0, "", false, engine, -1, -1, 0, cause, null, false);
    }

    private static void addOnce(List<String> list, String value) {
        if (value != null && !list.contains(value)) {
            list.add(value);
        }
    }

    private static String callIdOf(String logTag) {
        int space = logTag.indexOf(' ');
        return space < 0 || !logTag.endsWith("]") ? logTag : logTag.substring(space + 1, logTag.length() - 1);
    }
}
