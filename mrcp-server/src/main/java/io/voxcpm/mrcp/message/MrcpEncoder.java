package io.voxcpm.mrcp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link MrcpMessage}s: start line with the exact self-inclusive message-length, the header
 * fields in their order as {@code Name: value}, Content-Length (in bytes) when there is a body, the
 * empty line, the body. Values are written as given, so a Channel-Identifier taken from a request is
 * echoed byte for byte. A Content-Length among the given headers is ignored: the body decides it.
 */
@ChannelHandler.Sharable
public final class MrcpEncoder extends MessageToByteEncoder<MrcpMessage> {

    public MrcpEncoder() {
        super(MrcpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MrcpMessage msg, ByteBuf out) {
        write(msg, out); // straight into the buffer: no byte[] for the head or the whole message on the event loop
    }

    /** The wire form of one message (the same bytes the pipeline writes). */
    public static byte[] encode(MrcpMessage msg) {
        ByteBuf out = Unpooled.buffer(0);
        write(msg, out);
        return ByteBufUtil.getBytes(out);
    }

    /** "MRCP/2.0 " + length + " " + tail + body, where length counts its own digits. */
    private static void write(MrcpMessage msg, ByteBuf out) {
        String tail = tail(msg);
        Body body = msg.content();
        int tailBytes = ByteBufUtil.utf8Bytes(tail);
        long length = messageLength(MrcpMessage.VERSION.length() + 2L + tailBytes + body.length());
        out.ensureWritable((int) length);
        out.writeCharSequence(MrcpMessage.VERSION, StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(Long.toString(length), StandardCharsets.US_ASCII);
        out.writeByte(' ');
        ByteBufUtil.reserveAndWriteUtf8(out, tail, tailBytes);
        body.writeTo(out);
    }

    /** The start line after its message-length, the header fields and the empty line. */
    private static String tail(MrcpMessage msg) {
        StringBuilder tail = new StringBuilder(128);
        if (msg instanceof MrcpRequest r) {
            tail.append(r.method()).append(' ').append(r.requestId());
        } else if (msg instanceof MrcpResponse r) {
            tail.append(r.requestId()).append(' ').append(r.statusCode()).append(' ').append(r.state().wireName());
        } else if (msg instanceof MrcpEvent e) {
            tail.append(e.eventName()).append(' ').append(e.requestId()).append(' ').append(e.state().wireName());
        }
        tail.append("\r\n");
        for (MrcpHeader header : msg.headers().entries()) {
            if (!header.name().equalsIgnoreCase(MrcpHeaderNames.CONTENT_LENGTH)) {
                tail.append(header.name()).append(": ").append(header.value()).append("\r\n");
            }
        }
        Body body = msg.content();
        if (!body.isEmpty()) {
            tail.append(MrcpHeaderNames.CONTENT_LENGTH).append(": ").append(body.length()).append("\r\n");
        }
        return tail.append("\r\n").toString();
    }

    /**
     * The smallest total length L with L = rest + digits(L). Adding the digits can carry into one more
     * digit (rest 95 gives 97, but rest 98 gives 101, not 100), hence the loop.
     */
    static long messageLength(long rest) {
        int digits = 1;
        while (Long.toString(rest + digits).length() != digits) {
            digits++;
        }
        return rest + digits;
    }
}
