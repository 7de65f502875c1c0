package io.voxcpm.rtp;

/** A stream driven by the {@link MediaClock}: called once per ptime on its event loop. */
interface Paced {

    /** Sends what this tick owes, or nothing; must not block. */
    void tick();
}
