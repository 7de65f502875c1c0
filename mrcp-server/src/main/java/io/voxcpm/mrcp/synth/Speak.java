package io.voxcpm.mrcp.synth;

import io.voxcpm.engine.Synthesis;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.server.MrcpConnection;
import io.voxcpm.request.Segment;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * One admitted SPEAK request and what its life holds. Confined to the channel's lane; it is answered before
 * it is planned, so {@link #segments} arrive later, and a start that comes first waits for them.
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
    boolean claimed;
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
}
