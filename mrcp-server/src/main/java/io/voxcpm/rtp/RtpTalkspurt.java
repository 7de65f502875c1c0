package io.voxcpm.rtp;

import io.voxcpm.audio.EncodedFrames;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The frames of one talkspurt, read by index on the clock's event loop. Either a shared, complete
 * {@link EncodedFrames} (a cache hit: nothing is copied or queued, any number of sessions read the same
 * set) or frames written one by one as the engine produces them.
 *
 * <p>Written frames go into an array that only grows: one writer at a time (the caller serialises
 * {@link #write}, as the playback's lock does), one reader (the clock's loop), no lock and no node per
 * frame. The writer fills a slot, then publishes it by raising the volatile {@link #available}; when the
 * array is full it copies it into a larger one and publishes that array before the count, so a reader that
 * sees a count also sees an array holding that many frames. {@link #over} makes "aborted" and "played
 * out" mutually exclusive so a listener never fires after an abort.
 *
 * <p>A written talkspurt tells its {@code firstFrame} hook when its first frame is published: a streaming
 * engine's audio begins there, often a few hundred milliseconds after the talkspurt did, and the stream's
 * phase chosen at the talkspurt's beginning would make that first frame wait up to a ptime for its slot.
 */
final class RtpTalkspurt implements Talkspurt {

    private final RtpAudioChannel channel;
    private final Listener listener;
    private final EncodedFrames shared;
    private final Consumer<RtpTalkspurt> firstFrame;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile byte[][] written;
    private volatile int available;
    private volatile boolean finished;
    private volatile boolean paused;
    private volatile boolean marker = true;
    /** Written once, by the tick that sends the first packet. */
    private volatile long firstPacketNanos = -1;

    /** Touched only on the clock's loop: the index of the next frame to send. */
    private int next;
    /** Touched only on the clock's loop: whether a packet of this talkspurt has left (its phase is fixed). */
    private boolean sent;

    /** A talkspurt the engine writes into; {@code firstFrame} hears of its first frame, on the writer's thread. */
    RtpTalkspurt(RtpAudioChannel channel, Listener listener, Consumer<RtpTalkspurt> firstFrame) {
        this.channel = channel;
        this.listener = listener;
        this.shared = null;
        this.firstFrame = firstFrame;
        this.written = new byte[16][];
    }

    /** A talkspurt that plays {@code frames} from frame {@code from}; already finished. */
    RtpTalkspurt(RtpAudioChannel channel, Listener listener, EncodedFrames frames, int from) {
        this.channel = channel;
        this.listener = listener;
        this.shared = frames;
        this.firstFrame = t -> { };
        this.available = frames.count();
        this.next = from;
        this.finished = true;
    }

    @Override
    public void write(byte[] frame) {
        if (shared != null) {
            throw new IllegalStateException("a talkspurt playing stored frames takes no writes");
        }
        if (frame.length != channel.frameBytes()) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes (expected: "
                    + channel.frameBytes() + ")");
        }
        if (finished) {
            throw new IllegalStateException("write after finish()");
        }
        // After an abort (STOP, BARGE-IN, a new SPEAK) the engine may still be producing: drop quietly.
        if (over.get()) {
            return;
        }
        int n = available;
        byte[][] slots = written;
        if (n == slots.length) {
            byte[][] larger = new byte[slots.length * 2][];
            System.arraycopy(slots, 0, larger, 0, n);
            slots = larger;
            written = larger;
        }
        slots[n] = frame;
        available = n + 1;
        if (n == 0) {
            firstFrame.accept(this); // after the frame is visible, so the tick it brings forward finds it
        }
    }

    @Override
    public void finish() {
        finished = true;
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        if (paused) {
            marker = true;
            paused = false;
        }
    }

    @Override
    public void abort() {
        if (over.compareAndSet(false, true)) {
            channel.detach(this);
        }
    }

    /**
     * One clock tick: sends the next frame unless paused or starved, and completes the talkspurt on the
     * tick that sends its last frame (or the first tick after an empty {@link #finish()}). Allocates nothing.
     */
    void tick() {
        if (paused || over.get()) {
            return;
        }
        // Read before the count: if finish() came before a count that is all sent, no frame can follow.
        boolean done = finished;
        int n = available;
        if (next < n) {
            if (shared != null) {
                channel.send(shared, next, marker);
            } else {
                channel.send(written[next], marker);
            }
            if (next == 0 && firstPacketNanos < 0) {
                firstPacketNanos = System.nanoTime();
            }
            next++;
            marker = false;
            sent = true;
        }
        if (done && next >= n) {
            end();
        }
    }

    /** On the clock's loop: whether a packet has left, so the stream's phase must stay as it is. */
    boolean sentAny() {
        return sent;
    }

    @Override
    public long firstPacketNanos() {
        return firstPacketNanos;
    }

    /** Stops sending and tells the listener, unless aborted or ended before. */
    void end() {
        if (over.compareAndSet(false, true)) {
            channel.detach(this);
            channel.playedOut(listener);
        }
    }
}
