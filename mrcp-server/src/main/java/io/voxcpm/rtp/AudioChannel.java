package io.voxcpm.rtp;

/**
 * The outbound audio of one session: encoded frames in, RTP paced on the shared media clock out.
 * Thread-safe: frames are written from engine threads, packets leave from the clock's event loop.
 */
public interface AudioChannel extends AutoCloseable {

    /** Payload bytes of one frame (one ptime) in the negotiated codec. */
    int frameBytes();

    /**
     * Starts a new talkspurt: the first packet it sends carries the marker bit. A talkspurt still
     * playing is aborted first.
     */
    Talkspurt begin(Talkspurt.Listener listener);

    /** Stops sending for good and gives the port back. */
    @Override
    void close();
}
