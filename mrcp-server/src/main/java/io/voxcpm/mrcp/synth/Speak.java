package io.voxcpm.mrcp.synth;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.request.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One admitted SPEAK request and what its life holds. Confined to the channel's lane; it is answered before
 * it is planned, so {@link #segments} arrive later, and a start that comes first waits for them. Two things
 * that are made of nothing but what this SPEAK holds live here too: its claim on the shared frame tier (its
 * key, whether it encodes for sessions waiting on it) and its {@link SpeakObserver} report.
 */
final class Speak implements SynthStateMachine.Job {

    final MrcpRequest request;
    final MrcpConnection replyTo;
    /** Set once planned. */
    List<Segment> segments;
    final boolean killOnBargeIn;
    /** Whether this SPEAK sends SPEECH-MARKER events. */
    final boolean markers;
    final MarkSchedule marks;
    /** The state machine started it before its plan came: it starts when the plan does. */
    boolean startAwaitsPlan;
    /** It waited behind another SPEAK before it started. */
    boolean fromQueue;
    /** The write of its IN-PROGRESS response; its first packet waits for it. Null when it was queued. */
    CompletionStage<Void> inProgress;
    /** Set when the state machine starts it, before its plan may have come. */
    SpeakPlayback playback;
    /** Set when it starts; null for audio that needs no engine. */
    Synthesis synthesis;
    /** Set when it starts: its {@link io.voxcpm.cache.FrameTier} key, or null when it has none. */
    String frameKey;
    /** Set when it starts: it plays frames from the tier rather than from the engine. */
    boolean fromFrameTier;
    /** It encodes {@link #frameKey} while other sessions wait for the frames (see FrameTier#claim). */
    private boolean claimed;
    /** System.nanoTime() when it arrived, for {@link SpeakObserver} latencies. */
    final long arrivedNanos = System.nanoTime();
    /** Set from the MRCP loop when its IN-PROGRESS response has been written; -1 before (or never). */
    volatile long inProgressNanos = -1;
    /** Told to the {@link SpeakObserver} already. */
    boolean reported;

    Speak(MrcpRequest request, MrcpConnection replyTo, boolean killOnBargeIn, boolean markers, MarkSchedule marks) {
        this.request = request;
        this.replyTo = replyTo;
        this.killOnBargeIn = killOnBargeIn;
        this.markers = markers;
        this.marks = marks;
    }

    @Override
    public long requestId() {
        return request.requestId();
    }

    @Override
    public boolean killOnBargeIn() {
        return killOnBargeIn;
    }

    /** Stops synthesis and playback; the client is not told. */
    void halt() {
        if (playback != null) {
            playback.stop();
        }
        if (synthesis != null) {
            synthesis.cancel();
        }
    }

    /** For the log: how many segments, characters and which modes. */
    String describe() {
        int speech = 0;
        int chars = 0;
        Set<String> modes = new TreeSet<>();
        Set<String> languages = new TreeSet<>();
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                speech++;
                chars += sp.text().length();
                modes.add(sp.mode().value());
                if (sp.language() != null) {
                    languages.add(sp.language());
                }
            }
        }
        return segments.size() + " segments (" + speech + " spoken, " + chars + " chars), mode " + String.join("+", modes)
                + (languages.isEmpty() ? "" : ", language " + String.join("+", languages));
    }

    // ---------------------------------------------------------------- its frames in the shared tier
    // (what is ready, who encodes, what is kept; a SPEAK without a frame key never touches the tier, so a
    // server without one passes null)

    /** The frames stored under this SPEAK's key now, or null ({@code tier} may be null when it has no key). */
    EncodedFrames storedFrames(FrameTier tier) {
        return frameKey == null ? null : tier.get(frameKey);
    }

    /**
     * Sessions starting one prompt together wait for the first to encode it when it comes from the disk
     * (milliseconds); a fresh synthesis streams instead, and the prompt cache shares it. Returns what
     * another session is encoding for this SPEAK, or null when it must make its own (and, if its prompt is
     * on disk, has claimed it: it ends with {@link #keepEncoded} or {@link #releaseFrames}).
     */
    CompletableFuture<EncodedFrames> encodedElsewhere(FrameTier tier, SpeechEngine engine) {
        if (frameKey == null || !FrameTier.onDisk(segments, engine)) {
            return null;
        }
        CompletableFuture<EncodedFrames> other = tier.join(frameKey);
        if (other == null) {
            claimed = true;
        }
        return other;
    }

    /**
     * The engine's audio of this SPEAK is all encoded: keep it for the next session saying this in this
     * format, and hand it to those already waiting.
     */
    void keepEncoded(FrameTier tier, TelephonyFormat format, int ptimeMs, List<byte[]> whole) {
        if (frameKey == null || fromFrameTier) {
            return;
        }
        if (!whole.isEmpty()) {
            tier.put(frameKey, EncodedFrames.of(format, ptimeMs, whole));
        } else if (claimed) {
            tier.release(frameKey);
        }
        claimed = false;
    }

    /** A SPEAK that ended before its frames were whole gives its claim up, so the waiting encode their own. */
    void releaseFrames(FrameTier tier) {
        if (claimed) {
            claimed = false;
            tier.release(frameKey);
        }
    }

    // ---------------------------------------------------------------- its report

    /**
     * A SPEAK started to play; for one that started at once, notes when its IN-PROGRESS response has been
     * written.
     */
    void reportStarted(SpeakObserver observer) {
        observer.speakStarted();
        if (inProgress != null && !fromQueue) {
            inProgress.thenRun(() -> inProgressNanos = System.nanoTime() - arrivedNanos);
        }
    }

    /** Reports this SPEAK unless it was reported before (a failure both halts and completes it). */
    void reportEnded(SpeakObserver observer, SpeakObserver.SpeakReport report) {
        if (!reported) {
            reported = true;
            observer.speakEnded(report);
        }
    }

    /**
     * @param logTag {@code [session-id call-id]}, as the session layer makes it
     * @param cause  how it completed; null when it was stopped without a SPEAK-COMPLETE
     * @param stop   what stopped it; null when it completed
     */
    SpeakObserver.SpeakReport report(String sessionId, String logTag, String engine, int ptimeMs,
                                     CompletionCause cause, SpeakObserver.Stop stop) {
        List<String> voices = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<String> languages = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Segment s : segments == null ? List.<Segment>of() : segments) {
            if (s instanceof Segment.Speech sp) {
                addOnce(voices, sp.voice().name());
                addOnce(modes, sp.mode().value());
                addOnce(languages, sp.language());
                text.append(text.length() == 0 ? "" : " ").append(sp.text());
            }
        }
        long firstPacket = playback == null ? -1 : playback.firstPacketNanos();
        double audioSeconds = 0;
        if (playback != null && firstPacket >= 0) {
            // stopped or failed part-way: how far the playback had got, by the playout model (pauses and an
            // engine slower than real time accounted for), to one ptime
            long frames = cause == CompletionCause.NORMAL ? playback.framesQueued() : playback.framesPlayed();
            audioSeconds = frames * ptimeMs / 1000.0;
        }
        return new SpeakObserver.SpeakReport(sessionId, callIdOf(logTag), requestId(), voices, modes,
                languages, text.length() - Math.max(0, countSpeech() - 1), text.toString(),
                fromFrameTier, engine, inProgressNanos,
                firstPacket < 0 ? -1 : firstPacket - arrivedNanos, audioSeconds, cause, stop, playback != null);
    }

    private int countSpeech() {
        int n = 0;
        for (Segment s : segments == null ? List.<Segment>of() : segments) {
            if (s instanceof Segment.Speech) {
                n++;
            }
        }
        return n;
    }

    /** The report of a SPEAK refused before it was queued (it never became a {@code Speak}): nothing was spoken. */
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
