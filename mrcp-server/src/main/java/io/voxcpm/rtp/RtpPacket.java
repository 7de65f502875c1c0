package io.voxcpm.rtp;

/**
 * One decoded RTP packet (RFC 3550 §5.1) as seen by a receiver. Timestamp and SSRC are unsigned
 * 32-bit values held in an {@code int}: compare them with wrapping arithmetic ({@code b - a}), and
 * widen with {@link Integer#toUnsignedLong(int)} for display.
 *
 * @param payload the payload after any CSRC list, header extension and padding; not copied
 */
public record RtpPacket(
        boolean marker, int payloadType, int sequenceNumber, int timestamp, int ssrc, byte[] payload) {

    public RtpPacket {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payloadType: " + payloadType + " (expected: 0-127)");
        }
        if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("sequenceNumber: " + sequenceNumber + " (expected: 0-65535)");
        }
    }
}
