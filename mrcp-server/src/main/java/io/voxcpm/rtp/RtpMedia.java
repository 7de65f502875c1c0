package io.voxcpm.rtp;

import java.net.InetSocketAddress;

/** Opens the outbound RTP of sessions on a shared {@link MediaClock} and port range. */
public final class RtpMedia {

    private final MediaClock clock;
    private final RtpPortAllocator ports;

    public RtpMedia(MediaClock clock, RtpPortAllocator ports) {
        this.clock = clock;
        this.ports = ports;
    }

    /**
     * Binds a local RTP port and starts the session's slot on the media clock; nothing is sent until a
     * talkspurt begins. Binds and connects the socket on the caller's thread (a SIP event loop may call it: two
     * system calls, no wait for the media clock's loop).
     *
     * @param remote      the address and port of the offer's audio m-line
     * @param payloadType the negotiated RTP payload type
     * @param clockRate   the RTP clock rate of that payload (8000 for G.722 although it samples at 16 kHz)
     * @param ptimeMs     packetization time; {@code clockRate × ptimeMs} must be a whole number of ms
     * @param frameBytes  payload bytes per packet
     * @throws RtpPortsExhaustedException when no port of the range could be bound (answer SIP 480)
     */
    public RtpAudioChannel open(String sessionId, InetSocketAddress remote, int payloadType, int clockRate,
                                int ptimeMs, int frameBytes) throws RtpPortsExhaustedException {
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("unresolved RTP address " + remote);
        }
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payloadType: " + payloadType + " (expected: 0-127)");
        }
        if (clockRate <= 0 || ptimeMs <= 0 || (long) clockRate * ptimeMs % 1000 != 0) {
            throw new IllegalArgumentException("clock rate " + clockRate + " Hz and ptime " + ptimeMs
                    + " ms do not give a whole number of samples per frame");
        }
        if (frameBytes <= 0) {
            throw new IllegalArgumentException("frameBytes: " + frameBytes + " (expected: > 0)");
        }
        int samplesPerFrame = (int) ((long) clockRate * ptimeMs / 1000);
        return RtpAudioChannel.open(sessionId, clock, ports, remote, payloadType, samplesPerFrame, ptimeMs,
                frameBytes);
    }
}
