package io.voxcpm.mrcp.synth;

import io.netty.util.concurrent.Ticker;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyEncoder;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.rtp.AudioChannel;
import io.voxcpm.rtp.Talkspurt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The audio of one SPEAK on its way to the caller: frames in, a talkspurt on the session's
 * {@link AudioChannel} out. Frames come from one of two sources: engine PCM through a
 * {@link TelephonyEncoder} ({@link #encoding}), or a ready, immutable {@link EncodedFrames} already in the
 * session's codec and ptime ({@link #playFrames}), which the talkspurt reads in place: shared by every
 * session playing it, never copied, nothing queued.
 *
 * <p>It keeps the frames it queued (up to a retention limit) so CONTROL can jump back and forth
 * ({@link #jump}), models where the playout stands ({@link PlayoutPosition}), and hands the whole frame
 * sequence of a SPEAK as soon as the engine's audio is all encoded to whoever wants to keep it
 * ({@link Events#encoded}, {@link #encodedFrames}).
 *
 * <p>This is the only class an engine thread touches; every method holds the one lock of this object, and
 * the {@link Events} are called without it.
 */
final class SpeakPlayback {

    /** What the channel hears back; it hops onto its own executor. */
    interface Events {
        /** Talkspurt {@code generation} sent its last frame (called on the media clock's thread). */
        void playedOut(int generation);

        /** The engine gave up (called on the engine's thread). */
        void failed(SynthesisException error);

        /** Every frame of the SPEAK has been encoded, before they have all played (engine's thread). */
        default void encoded() {
        }
    }

    /** Where a CONTROL jump landed; {@code done} is false when the target's frames were let go. */
    record Jump(long target, boolean restarted, boolean done, long firstRetained) { }

    private final AudioChannel audio;
    private final Ticker clock;
    private final int maxRetainedFrames;
    private final Events events;
    private final long startedNanos;

    // guarded by this
    private final PlayoutPosition position;
    private Talkspurt talkspurt;
    /** Counts the talkspurts of this SPEAK; a CONTROL jump starts a new one. */
    private int generation;
    private TelephonyEncoder encoder;
    /** The SPEAK's frames from index {@link #firstRetained}, when the engine made them. */
    private List<byte[]> frames = new ArrayList<>();
    /** All of the SPEAK's frames when they came ready; null when the engine makes them. */
    private EncodedFrames shared;
    private long firstRetained;
    private long framesTotal;
    /** Frames before this index are kept but not queued (a forward jump past what exists yet). */
    private long skipUntil;
    private boolean sourceDone;
    private boolean stopped;
    private boolean paused;
    /** Silent until the SPEAK's IN-PROGRESS response has left: a PBX must see it before the first packet. */
    private boolean held;
    private long firstAudioNanos;
    private boolean audioSeen;
    /** The first packet's time of a talkspurt a CONTROL jump replaced; -1 when none was sent. */
    private long firstPacketNanos = -1;
    /** {@link #framesPlayed()} when it stopped. */
    private long playedWhenStopped;

    /**
     * The SPEAK's playout clock starts now; its talkspurt (whose first packet carries the marker bit) begins
     * with its audio: stored frames start one of their own ({@link #playFrames}), so beginning an empty one
     * first would only register a talkspurt with the media clock to replace it at once, for every SPEAK of a
     * burst.
     */
    SpeakPlayback(AudioChannel audio, Ticker clock, int ptimeMs, int maxRetainedFrames, Events events) {
        this.audio = audio;
        this.clock = clock;
        this.maxRetainedFrames = maxRetainedFrames;
        this.events = events;
        synchronized (this) {
            this.startedNanos = clock.nanoTime();
            this.position = new PlayoutPosition(TimeUnit.MILLISECONDS.toNanos(ptimeMs), startedNanos);
        }
    }

    /** The sink an engine writes PCM to; {@code encoder} turns it into frames of the session's codec. */
    synchronized AudioSink encoding(TelephonyEncoder encoder) {
        this.encoder = encoder;
        talkspurt(); // begun here, on the caller's thread, rather than by the engine's first frame
        return new EngineSink();
    }

    /** The current talkspurt, begun (silent if the playback is) when there is none yet. Lock held. */
    private Talkspurt talkspurt() {
        if (talkspurt == null) {
            talkspurt = audio.begin(listener());
            if (silent()) {
                talkspurt.pause();
            }
        }
        return talkspurt;
    }

    /**
     * Plays frames already in the session's codec and ptime: the talkspurt starts on the next tick and reads
     * them in place, so many sessions share one set and nothing is copied or queued.
     */
    synchronized void playFrames(EncodedFrames ready) {
        if (stopped) {
            return;
        }
        noteFirstAudio();
        shared = ready;
        framesTotal = ready.count();
        sourceDone = true;
        int from = (int) Math.min(skipUntil, framesTotal);
        talkspurt = audio.play(ready, from, listener());
        if (silent()) {
            talkspurt.pause();
        }
        position.queued(framesTotal - from, clock.nanoTime());
    }

    synchronized void pause() {
        boolean was = silent();
        paused = true;
        silence(was);
    }

    synchronized void resume() {
        boolean was = silent();
        paused = false;
        silence(was);
    }

    /**
     * Keeps the talkspurt silent (and the playout position still) until {@link #release()}: the first RTP
     * packet must not overtake the IN-PROGRESS response when the MRCP connection's loop is busy.
     */
    synchronized void hold() {
        boolean was = silent();
        held = true;
        silence(was);
    }

    synchronized void release() {
        boolean was = silent();
        held = false;
        silence(was);
    }

    private boolean silent() {
        return paused || held;
    }

    /** Applies a change of {@link #silent()} to the talkspurt and the playout position. */
    private void silence(boolean was) {
        boolean now = silent();
        if (now == was) {
            return;
        }
        if (now) {
            if (talkspurt != null) { // else the talkspurt begins silent
                talkspurt.pause();
            }
            position.pause(clock.nanoTime());
        } else {
            if (talkspurt != null) {
                talkspurt.resume();
            }
            position.resume(clock.nanoTime());
        }
    }

    /** Index of the next frame to be played; -1 once stopped. */
    synchronized long position() {
        return stopped ? -1 : position.position(clock.nanoTime());
    }

    /**
     * Moves the playback within the frames made so far: to the start ({@code restart}), or by
     * {@code deltaFrames} from where it stands; a backward jump past the start restarts.
     */
    synchronized Jump jump(boolean restart, long deltaFrames) {
        firstPacketNanos = firstPacketNanos();
        long now = clock.nanoTime();
        long target = restart ? 0 : position.position(now) + deltaFrames;
        boolean restarted = restart;
        if (target < 0) {
            target = 0;
            restarted = true;
        }
        if (target < firstRetained) {
            return new Jump(target, restarted, false, firstRetained);
        }
        if (talkspurt != null) {
            talkspurt.abort();
        }
        generation++;
        skipUntil = target;
        position.restartAt(target, now);
        if (shared != null) {
            // every frame is there: the new talkspurt just reads from another index
            int from = (int) Math.min(target, framesTotal);
            talkspurt = audio.play(shared, from, listener());
            if (silent()) {
                talkspurt.pause();
            }
            position.queued(framesTotal - from, now);
            return new Jump(target, restarted, true, firstRetained);
        }
        talkspurt = audio.begin(listener());
        if (silent()) {
            talkspurt.pause();
        }
        long written = 0;
        for (long i = Math.max(target, firstRetained); i < framesTotal; i++) {
            talkspurt.write(frames.get((int) (i - firstRetained)));
            written++;
        }
        position.queued(written, now);
        if (sourceDone) {
            talkspurt.finish();
        }
        return new Jump(target, restarted, true, firstRetained);
    }

    /** Drops every queued frame and ignores whatever the engine still sends. */
    synchronized void stop() {
        if (!stopped) {
            playedWhenStopped = position.position(clock.nanoTime());
        }
        stopped = true;
        frames = List.of();
        shared = null;
        if (talkspurt != null) {
            talkspurt.abort();
        }
    }

    /**
     * The SPEAK ends normally if talkspurt {@code generation} is still the current one (a CONTROL jump may
     * have replaced it after it played out); false when it was stopped or replaced.
     */
    synchronized boolean complete(int generation) {
        if (stopped || generation != this.generation) {
            return false;
        }
        playedWhenStopped = position.position(clock.nanoTime());
        stopped = true;
        return true;
    }

    /**
     * A copy of every frame the engine's audio became, once it has all been encoded and while all of it is
     * kept; empty otherwise (still encoding, frames let go, frames that came ready, or stopped).
     */
    synchronized List<byte[]> encodedFrames() {
        return !stopped && sourceDone && shared == null && firstRetained == 0 && frames.size() == framesTotal
                ? List.copyOf(frames) : List.of();
    }

    /** System.nanoTime() when the SPEAK's first RTP packet left; -1 when none has. */
    synchronized long firstPacketNanos() {
        return firstPacketNanos >= 0 ? firstPacketNanos : talkspurt == null ? -1 : talkspurt.firstPacketNanos();
    }

    /**
     * Frames played so far by the playout model (where a CONTROL jump put the playback counts as played);
     * once stopped, where it stood then.
     */
    synchronized long framesPlayed() {
        return stopped ? playedWhenStopped : position.position(clock.nanoTime());
    }

    synchronized long framesQueued() {
        return framesTotal;
    }

    /**
     * Audio queued on the talkspurt and not yet played, by the playout model: what the engine side may not
     * let grow past the read-ahead ({@link io.voxcpm.request.SegmentPlayer.Backlog}). Zero once stopped.
     */
    synchronized long aheadNanos() {
        if (stopped) {
            return 0;
        }
        return Math.max(0, framesTotal - position.position(clock.nanoTime())) * position.ptimeNanos();
    }

    /** Milliseconds from the start to the first audio; -1 when none came. */
    synchronized long firstAudioMillis() {
        return audioSeen ? TimeUnit.NANOSECONDS.toMillis(firstAudioNanos - startedNanos) : -1;
    }

    /** Tied to the talkspurt generation, so a talkspurt replaced by a CONTROL jump cannot complete the SPEAK. */
    private Talkspurt.Listener listener() {
        int current = generation;
        return () -> events.playedOut(current);
    }

    private void noteFirstAudio() {
        if (!audioSeen) {
            audioSeen = true;
            firstAudioNanos = clock.nanoTime();
        }
    }

    /** One encoded frame (lock held): keep it, and queue it unless a jump skipped past it. */
    private void accept(byte[] frame) {
        long index = framesTotal++;
        frames.add(frame);
        if (frames.size() > maxRetainedFrames) {
            // let the older half go at once: amortised O(1) per frame on a very long SPEAK
            int drop = frames.size() / 2;
            frames.subList(0, drop).clear();
            firstRetained += drop;
        }
        if (index >= skipUntil) {
            talkspurt().write(frame);
            position.queued(1, clock.nanoTime());
        }
    }

    /** Runs on the engine's thread. */
    private final class EngineSink implements AudioSink {
        @Override
        public void onAudio(short[] samples) {
            synchronized (SpeakPlayback.this) {
                if (stopped) {
                    return;
                }
                noteFirstAudio();
                encoder.write(samples, 0, samples.length, SpeakPlayback.this::accept);
            }
        }

        @Override
        public void onComplete() {
            synchronized (SpeakPlayback.this) {
                if (stopped) {
                    return;
                }
                encoder.finish(SpeakPlayback.this::accept);
                sourceDone = true;
                talkspurt().finish();
            }
            events.encoded();
        }

        @Override
        public void onError(SynthesisException error) {
            synchronized (SpeakPlayback.this) {
                if (stopped) {
                    return;
                }
                sourceDone = true;
            }
            events.failed(error);
        }
    }
}
