package io.voxcpm.rtp;

/** One stretch of audio (one SPEAK) on an {@link AudioChannel}. */
public interface Talkspurt {

    /** Queues one frame of exactly {@link AudioChannel#frameBytes()} bytes; the array is not copied. */
    void write(byte[] frame);

    /** No more frames follow; {@link Listener#onPlayedOut()} fires after the last one has been sent. */
    void finish();

    /** Holds the queued frames; the media clock (and RTP timestamps) keep running. */
    void pause();

    /** Continues from the frame where {@link #pause()} stopped; the next packet carries the marker bit. */
    void resume();

    /** Drops every queued frame at once; the listener is not called. */
    void abort();

    /** System.nanoTime() when its first packet was sent; -1 before (metrics: SPEAK to first RTP). */
    default long firstPacketNanos() {
        return -1;
    }

    interface Listener {
        /** The last frame of a finished talkspurt has left, or the talkspurt was finished empty. */
        void onPlayedOut();
    }
}
