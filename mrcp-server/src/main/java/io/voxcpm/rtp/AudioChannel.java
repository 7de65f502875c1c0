package io.voxcpm.rtp;

import io.voxcpm.audio.EncodedFrames;

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

    /**
     * Starts a talkspurt that plays {@code frames} from frame {@code fromFrame} to the end, then calls the
     * listener: nothing is copied or queued, and any number of channels may play the same set at once. It is
     * already finished and takes no writes; pause, resume and abort work as on any talkspurt. A talkspurt
     * still playing is aborted first.
     *
     * @throws IllegalArgumentException when the frames are not of this channel's frame size, or
     *                                  {@code fromFrame} is outside {@code 0..frames.count()}
     */
    Talkspurt play(EncodedFrames frames, int fromFrame, Talkspurt.Listener listener);

    /** Stops sending for good and gives the port back. */
    @Override
    void close();
}
