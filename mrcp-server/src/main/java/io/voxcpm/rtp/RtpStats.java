package io.voxcpm.rtp;

/**
 * What the media clock has sent since it started, over all streams.
 *
 * @param packetsSent    RTP packets handed to the sockets
 * @param packetsLate    of those, packets sent by a tick that ran more than half a ptime after its due time
 *                       (a stalled loop: GC, an overloaded host); the receiver's jitter buffer may drop them
 * @param packetsDropped packets not sent because the socket's buffer was full
 */
public record RtpStats(long packetsSent, long packetsLate, long packetsDropped) { }
