package io.voxcpm.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Parses one RTP packet from a datagram. Unlike the encoder it accepts everything RFC 3550 allows
 * (CSRC list, header extension, padding) because a receiver does not choose what peers send.
 */
final class RtpPacketDecoder {

    private static final int CSRC_BYTES = 4;
    private static final int EXTENSION_HEADER_BYTES = 4;

    private RtpPacketDecoder() {
    }

    /** Consumes all readable bytes of {@code in}; throws {@link CorruptedFrameException} if not RTP v2. */
    public static RtpPacket decode(ByteBuf in) {
        int length = in.readableBytes();
        if (length < RtpPacketEncoder.HEADER_BYTES) {
            throw new CorruptedFrameException("RTP packet of " + length + " bytes is shorter than its header");
        }
        int first = in.readUnsignedByte();
        int version = first >>> 6;
        if (version != 2) {
            throw new CorruptedFrameException("RTP version " + version + " (expected: 2)");
        }
        boolean padding = (first & 0x20) != 0;
        boolean extension = (first & 0x10) != 0;
        int csrcCount = first & 0x0F;
        int second = in.readUnsignedByte();
        int sequenceNumber = in.readUnsignedShort();
        int timestamp = in.readInt();
        int ssrc = in.readInt();

        skip(in, csrcCount * CSRC_BYTES, "CSRC list");
        if (extension) {
            skip(in, EXTENSION_HEADER_BYTES, "header extension");
            int words = in.getUnsignedShort(in.readerIndex() - 2);
            skip(in, words * 4, "header extension");
        }
        int payloadBytes = in.readableBytes();
        if (padding) {
            int padBytes = payloadBytes == 0 ? 0 : in.getUnsignedByte(in.writerIndex() - 1);
            if (padBytes == 0 || padBytes > payloadBytes) {
                throw new CorruptedFrameException("RTP padding of " + padBytes + " bytes in a "
                        + payloadBytes + "-byte payload");
            }
            payloadBytes -= padBytes;
        }
        byte[] payload = new byte[payloadBytes];
        in.readBytes(payload);
        in.skipBytes(in.readableBytes());
        return new RtpPacket((second & 0x80) != 0, second & 0x7F, sequenceNumber, timestamp, ssrc, payload);
    }

    private static void skip(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new CorruptedFrameException("RTP " + what + " runs past the end of the packet");
        }
        in.skipBytes(bytes);
    }
}
