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

    /**
     * "MRCP/2.0 " + length + " " + tail + body, where length counts its own digits. The tail is measured,
     * then written piece by piece into the buffer: no StringBuilder, String or byte[] per message on the loop.
     */
    private static void write(MrcpMessage msg, ByteBuf out) {
        MrcpHeaders headers = msg.headers();
        Body body = msg.content();
        long tailBytes = startTailBytes(msg) + 2 + 2; // the start line's CRLF and the empty line
        for (int i = 0; i < headers.size(); i++) {
            MrcpHeader header = headers.field(i);
            if (!isContentLength(header)) {
                tailBytes += header.name().length() + 2 + ByteBufUtil.utf8Bytes(header.value()) + 2; // names are ASCII
            }
        }
        if (!body.isEmpty()) {
            tailBytes += MrcpHeaderNames.CONTENT_LENGTH.length() + 2 + digits(body.length()) + 2;
        }
        long length = messageLength(MrcpMessage.VERSION.length() + 2L + tailBytes + body.length());
        out.ensureWritable((int) length);
        out.writeCharSequence(MrcpMessage.VERSION, StandardCharsets.US_ASCII);
        out.writeByte(' ');
        writeDecimal(out, length);
        out.writeByte(' ');
        writeStartTail(msg, out);
        writeLineEnd(out);
        for (int i = 0; i < headers.size(); i++) {
            MrcpHeader header = headers.field(i);
            if (!isContentLength(header)) {
                out.writeCharSequence(header.name(), StandardCharsets.US_ASCII);
                out.writeByte(':').writeByte(' ');
                ByteBufUtil.writeUtf8(out, header.value());
                writeLineEnd(out);
            }
        }
        if (!body.isEmpty()) {
            out.writeCharSequence(MrcpHeaderNames.CONTENT_LENGTH, StandardCharsets.US_ASCII);
            out.writeByte(':').writeByte(' ');
            writeDecimal(out, body.length());
            writeLineEnd(out);
        }
        writeLineEnd(out);
        body.writeTo(out);
    }

    /** The bytes of the start line after its message-length, without its line end. */
    private static int startTailBytes(MrcpMessage msg) {
        if (msg instanceof MrcpRequest r) {
            return r.method().length() + 1 + digits(r.requestId()); // a method is an ASCII token
        } else if (msg instanceof MrcpResponse r) {
            return digits(r.requestId()) + 1 + digits(r.statusCode()) + 1 + r.state().wireName().length();
        }
        MrcpEvent e = (MrcpEvent) msg;
        return e.eventName().length() + 1 + digits(e.requestId()) + 1 + e.state().wireName().length();
    }

    private static void writeStartTail(MrcpMessage msg, ByteBuf out) {
        if (msg instanceof MrcpRequest r) {
            out.writeCharSequence(r.method(), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            writeDecimal(out, r.requestId());
        } else if (msg instanceof MrcpResponse r) {
            writeDecimal(out, r.requestId());
            out.writeByte(' ');
            writeDecimal(out, r.statusCode());
            out.writeByte(' ');
            out.writeCharSequence(r.state().wireName(), StandardCharsets.US_ASCII);
        } else if (msg instanceof MrcpEvent e) {
            out.writeCharSequence(e.eventName(), StandardCharsets.US_ASCII);
            out.writeByte(' ');
            writeDecimal(out, e.requestId());
            out.writeByte(' ');
            out.writeCharSequence(e.state().wireName(), StandardCharsets.US_ASCII);
        }
    }

    /** The body decides Content-Length: a given one is not written. */
    private static boolean isContentLength(MrcpHeader header) {
        return header.name().equalsIgnoreCase(MrcpHeaderNames.CONTENT_LENGTH);
    }

    private static void writeLineEnd(ByteBuf out) {
        out.writeByte('\r').writeByte('\n');
    }

    /** {@code value} (not negative) in decimal ASCII. */
    private static void writeDecimal(ByteBuf out, long value) {
        int n = digits(value);
        int at = out.writerIndex();
        out.writerIndex(at + n);
        for (int i = at + n - 1; i >= at; i--) {
            out.setByte(i, (int) ('0' + value % 10));
            value /= 10;
        }
    }

    /** The decimal digits of {@code value} (not negative). */
    static int digits(long value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    /**
     * The smallest total length L with L = rest + digits(L). Adding the digits can carry into one more
     * digit (rest 95 gives 97, but rest 98 gives 101, not 100), hence the loop.
     */
    static long messageLength(long rest) {
        int digits = 1;
        while (digits(rest + digits) != digits) {
            digits++;
        }
        return rest + digits;
    }
}
