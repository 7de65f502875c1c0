package io.voxcpm.mrcp.synth;

/**
 * Where the playback of one SPEAK stands, in frames, modelled from what was queued and the wall clock: the
 * pacer sends one queued frame per ptime unless paused, so the frames sent are
 * {@code min(queued, ptimes elapsed while playing)}, accumulated step by step so that an engine slower than
 * real time (an empty queue) is accounted for. Accurate to about one ptime, which is the resolution CONTROL
 * jumps need. Not thread-safe: the channel guards it with the SPEAK's lock.
 */
final class PlayoutPosition {

    private final long ptimeNanos;
    private long base;
    private long queued;
    private long sent;
    private long creditNanos;
    private long lastNanos;
    private boolean paused;

    PlayoutPosition(long ptimeNanos, long nowNanos) {
        this.ptimeNanos = ptimeNanos;
        this.lastNanos = nowNanos;
    }

    long ptimeNanos() {
        return ptimeNanos;
    }

    /** {@code frames} more were queued on the talkspurt. */
    void queued(long frames, long nowNanos) {
        advance(nowNanos);
        queued += frames;
    }

    void pause(long nowNanos) {
        advance(nowNanos);
        paused = true;
    }

    void resume(long nowNanos) {
        advance(nowNanos);
        paused = false;
    }

    /** A new talkspurt starts at frame {@code index} of the SPEAK with nothing queued yet. */
    void restartAt(long index, long nowNanos) {
        advance(nowNanos);
        base = index;
        queued = 0;
        sent = 0;
        creditNanos = 0;
    }

    /** Index of the next frame to be played. */
    long position(long nowNanos) {
        advance(nowNanos);
        return base + sent;
    }

    private void advance(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        lastNanos = nowNanos;
        if (paused) {
            return;
        }
        long backlog = queued - sent;
        long budget = creditNanos + elapsed;
        long sendable = budget / ptimeNanos;
        if (sendable >= backlog) {
            sent = queued;
            creditNanos = 0; // starved: the next frame leaves on the next tick after it is queued
        } else {
            sent += sendable;
            creditNanos = budget - sendable * ptimeNanos;
        }
    }
}
