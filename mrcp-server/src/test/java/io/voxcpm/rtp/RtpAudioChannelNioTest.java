package io.voxcpm.rtp;

/** The same behaviour on the NIO transport, which the clock falls back to where epoll is missing. */
class RtpAudioChannelNioTest extends RtpAudioChannelTest {

    @Override
    MediaClock newClock() {
        return new MediaClock(2, false);
    }
}
