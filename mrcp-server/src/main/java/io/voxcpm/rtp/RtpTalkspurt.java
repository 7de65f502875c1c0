package io.voxcpm.rtp;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frames of one talkspurt waiting for their tick. Written from engine threads, drained by the clock's
 * event loop; {@link #over} makes "aborted" and "played out" mutually exclusive so a listener never
 * fires after an abort.
 */
final class RtpTalkspurt implements Talkspurt {

    private final RtpAudioChannel channel;
    private final Listener listener;
    private final Queue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile boolean finished;
    private volatile boolean paused;
    private volatile boolean marker = true;

    RtpTalkspurt(RtpAudioChannel channel, Listener listener) {
        this.channel = channel;
        this.listener = listener;
    }

    @Override
    public void write(byte[] frame) {
        if (frame.length != channel.frameBytes()) {
            throw new IllegalArgumentException("frame of " + frame.length + " bytes (expected: "
                    + channel.frameBytes() + ")");
        }
        if (finished) {
            throw new IllegalStateException("write after finish()");
        }
        // After an abort (STOP, BARGE-IN, a new SPEAK) the engine may still be producing: drop quietly.
        if (!over.get()) {
            frames.add(frame);
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
            frames.clear();
            channel.detach(this);
        }
    }

    /**
     * One clock tick: sends the next frame unless paused or starved, and completes the talkspurt on the
     * tick that sends its last frame (or the first tick after an empty {@link #finish()}).
     */
    void tick() {
        if (paused || over.get()) {
            return;
        }
        // Read before polling: if finish() came before an empty poll, no frame can follow.
        boolean done = finished;
        byte[] frame = frames.poll();
        if (frame != null) {
            channel.send(frame, marker);
            marker = false;
        }
        if (done && frames.isEmpty() && over.compareAndSet(false, true)) {
            channel.detach(this);
            channel.playedOut(listener);
        }
    }
}
