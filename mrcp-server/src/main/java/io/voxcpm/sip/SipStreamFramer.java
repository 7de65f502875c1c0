package io.voxcpm.sip;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts a SIP-over-TCP byte stream into whole messages ({@code byte[]}): headers up to the empty line, then
 * Content-Length bytes of body (RFC 3261 §18.3). CRLF keep-alives between messages are skipped. A broken or
 * missing length cannot be recovered from on a stream, so it fails the decoder and the connection is closed.
 */
final class SipStreamFramer extends ByteToMessageDecoder {

    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_BODY_BYTES = 64 * 1024;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable() && isLineEnd(in.getByte(in.readerIndex()))) {
            in.skipBytes(1);
        }
        int readable = in.readableBytes();
        if (readable == 0) {
            return;
        }
        byte[] head = new byte[Math.min(readable, MAX_HEADER_BYTES)];
        in.getBytes(in.readerIndex(), head);
        int headerEnd = HeaderBlock.end(head, 0, head.length);
        if (headerEnd < 0) {
            if (readable >= MAX_HEADER_BYTES) {
                throw new TooLongFrameException("SIP header block over " + MAX_HEADER_BYTES + " bytes");
            }
            return;
        }
        long bodyLength;
        try {
            bodyLength = Math.max(0, HeaderBlock.contentLength(new String(head, 0, headerEnd, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw new CorruptedFrameException(e.getMessage());
        }
        if (bodyLength > MAX_BODY_BYTES) {
            throw new TooLongFrameException("SIP body of " + bodyLength + " bytes");
        }
        int total = headerEnd + (int) bodyLength;
        if (readable < total) {
            return;
        }
        byte[] message = new byte[total];
        in.readBytes(message);
        out.add(message);
    }

    private static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }
}
