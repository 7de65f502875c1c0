package io.voxcpm.rtp;

/** A stream driven by the {@link MediaClock}: called once per ptime, in its phase, on its event loop. */
interface Paced {

    /**
     * Sends what this tick owes, or nothing; must not block. {@code slot} is the clock's slot number (one a
     * {@value MediaClock#SLOT_MS} ms since the clock's epoch), the wall-clock time the packet's timestamp
     * follows. Returns {@link #active()}: whether the clock must keep running for this stream.
     */
    boolean tick(long slot);

    /**
     * Whether the stream has something to play (or pause): while no stream of a loop is active the loop's
     * timer stops, and a stream that becomes active wakes it ({@link MediaClock#began}).
     */
    default boolean active() {
        return true;
    }

    /**
     * On the clock's loop: whether a packet of the current talkspurt has left. Its phase then stays put, since
     * moving it would shorten or stretch an interval the receiver's jitter buffer sees ({@link PhaseWheel#restart}).
     */
    default boolean midTalkspurt() {
        return false;
    }
}
