package io.voxcpm.rtp;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Writes RTP packets as this server sends them: version 2, no padding, no header extension, no CSRC
 * (we are the only source), so the fixed header is always {@value #HEADER_BYTES} bytes.
 */
final class RtpPacketEncoder {

    public static final int HEADER_BYTES = 12;

    static final int VERSION_2 = 0x80;
    static final int MARKER = 0x80;

    private RtpPacketEncoder() {
    }

    /**
     * Appends one packet to {@code out}. Arguments are written modulo their field width so callers can
     * keep counting in plain ints; the payload type must fit its 7 bits because a wrong one is dropped
     * by the receiver rather than wrapped.
     */
    public static void encode(ByteBuf out, boolean marker, int payloadType, int sequenceNumber,
                              int timestamp, int ssrc, byte[] payload) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payloadType: " + payloadType + " (expected: 0-127)");
        }
        out.ensureWritable(HEADER_BYTES + payload.length);
        out.writeByte(VERSION_2);
        out.writeByte(marker ? MARKER | payloadType : payloadType);
        out.writeShort(sequenceNumber);
        out.writeInt(timestamp);
        out.writeInt(ssrc);
        out.writeBytes(payload);
    }

    /**
     * Puts the fixed header at {@code out}'s position (the same bytes {@link #encode} writes before the
     * payload); the sender reuses one buffer per stream and copies the payload behind it. Big-endian, as a
     * fresh {@link ByteBuffer} is; the payload type is the caller's to check once, not per packet.
     */
    static void putHeader(ByteBuffer out, boolean marker, int payloadType, int sequenceNumber, int timestamp,
                          int ssrc) {
        out.put((byte) VERSION_2);
        out.put((byte) (marker ? MARKER | payloadType : payloadType));
        out.putShort((short) sequenceNumber);
        out.putInt(timestamp);
        out.putInt(ssrc);
    }
}
