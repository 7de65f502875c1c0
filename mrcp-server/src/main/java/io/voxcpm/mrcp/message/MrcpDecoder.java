package io.voxcpm.mrcp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a TCP byte stream into {@link MrcpMessage}s and {@link MrcpDecodeError}s.
 *
 * <p>Framing follows UniMRCP, the peer that matters: a message is its head up to the first empty line,
 * then exactly Content-Length body bytes. The message-length on the start line is read but not used
 * for framing, as UniMRCP does not use it either and clients get it wrong. Messages may arrive split or
 * coalesced in any way. No exception leaves this decoder: every problem becomes an error object, after
 * which either the next message is read ({@link MrcpDecodeError#canContinue()}) or, when framing is
 * lost, all further input is discarded. A request must carry a Channel-Identifier (else 406); responses
 * and events are passed on without one.
 *
 * <p>One instance per connection.
 */
public final class MrcpDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_LINE_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_HEADERS = 100;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(MrcpDecoder.class);
    private static final byte[] MAGIC = {'M', 'R', 'C', 'P', '/'};

    private enum State { HEAD, BODY, SKIP_BODY, DISCARD }

    private final int maxHeadBytes;
    private final int maxLineBytes;
    private final int maxBodyBytes;
    private final HeadParser parser;

    private State state = State.HEAD;
    /** Bytes of the current head already searched for its end, counted from the reader index. */
    private int scanned;
    /** Offset of the line being scanned; 0 while still in the start line. */
    private int lineStart;
    /** Length of the start line with its line end once seen, else 0. */
    private int startLineBytes;
    private HeadParser.Head head;
    private int headBytes;
    private long toSkip;

    public MrcpDecoder() {
        this(DEFAULT_MAX_HEAD_BYTES, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_HEADERS, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param maxHeadBytes start line plus header block, terminator included
     * @param maxLineBytes one header line, without its line end; the start line must fit too
     * @param maxHeaders   header fields in one message
     * @param maxBodyBytes Content-Length
     */
    public MrcpDecoder(int maxHeadBytes, int maxLineBytes, int maxHeaders, int maxBodyBytes) {
        if (maxHeadBytes < 64 || maxLineBytes < 64 || maxHeaders < 1 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("decoder limits too small");
        }
        this.maxHeadBytes = maxHeadBytes;
        this.maxLineBytes = Math.min(maxLineBytes, maxHeadBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.parser = new HeadParser(this.maxLineBytes, maxHeaders);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEAD -> decodeHead(in, out);
                case BODY -> decodeBody(in, out);
                case SKIP_BODY -> skipBody(in);
                case DISCARD -> in.skipBytes(in.readableBytes());
            }
        } catch (RuntimeException e) {
            // a bug here must not take the event loop's pipeline down; the stream is lost either way
            log.warn("MRCP decoder failure on {}, closing: {}", ctx.channel(), e.toString(), e);
            in.skipBytes(in.readableBytes());
            fail(out, new MrcpDecodeError(MrcpStatus.SERVER_INTERNAL_ERROR, "decoder failure",
                    MrcpDecodeError.NO_REQUEST_ID, null, false));
        }
    }

    private void decodeHead(ByteBuf in, List<Object> out) {
        if (scanned == 0) {
            // blank lines between messages are tolerated, as HTTP parsers do
            while (in.isReadable() && isLineEnd(in.getByte(in.readerIndex()))) {
                in.skipBytes(1);
            }
        }
        if (scanned < MAGIC.length) {
            if (!startsLikeMessage(in)) {
                in.skipBytes(in.readableBytes());
                fail(out, new MrcpDecodeError(MrcpStatus.UNRECOGNIZED_MESSAGE, "not an MRCP message",
                        MrcpDecodeError.NO_REQUEST_ID, null, false));
                return;
            }
        }
        int end = findHeadEnd(in);
        if (end < 0) {
            checkUnframedHead(in, out);
            return;
        }
        byte[] bytes = new byte[end];
        in.readBytes(bytes);
        scanned = 0;
        lineStart = 0;
        startLineBytes = 0;
        HeadParser.Head parsed = parser.parse(bytes);
        MrcpDecodeError error = parsed.error();
        if (error == null && parsed.contentLength() > maxBodyBytes) {
            error = new MrcpDecodeError(MrcpStatus.MESSAGE_TOO_LARGE,
                    "body of " + parsed.contentLength() + " bytes exceeds " + maxBodyBytes,
                    parsed.start().isRequest() ? parsed.start().requestId() : MrcpDecodeError.NO_REQUEST_ID,
                    parsed.headers().get(MrcpHeaderNames.CHANNEL_IDENTIFIER), true);
        }
        if (error != null) {
            if (error.canContinue()) {
                out.add(error);
                toSkip = parsed.contentLength();
                state = toSkip > 0 ? State.SKIP_BODY : State.HEAD;
            } else {
                in.skipBytes(in.readableBytes());
                fail(out, error);
            }
            return;
        }
        head = parsed;
        headBytes = end;
        state = State.BODY;
        decodeBody(in, out);
    }

    private void decodeBody(ByteBuf in, List<Object> out) {
        int length = (int) head.contentLength();
        if (in.readableBytes() < length) {
            return;
        }
        byte[] body = new byte[length];
        in.readBytes(body);
        StartLine start = head.start();
        if (start.messageLength() != headBytes + (long) length && log.isDebugEnabled()) {
            log.debug("message-length {} disagrees with the {} bytes framed for {} {}",
                    start.messageLength(), headBytes + length, start.kind(), start.requestId());
        }
        out.add(switch (start.kind()) {
            case REQUEST -> new MrcpRequest(start.name(), start.requestId(), head.headers(), Body.adopt(body));
            case RESPONSE -> new MrcpResponse(start.requestId(), start.statusCode(), start.state(), head.headers(),
                    Body.adopt(body));
            case EVENT -> new MrcpEvent(start.name(), start.requestId(), start.state(), head.headers(), Body.adopt(body));
        });
        head = null;
        state = State.HEAD;
    }

    private void skipBody(ByteBuf in) {
        int n = (int) Math.min(toSkip, in.readableBytes());
        in.skipBytes(n);
        toSkip -= n;
        if (toSkip == 0) {
            state = State.HEAD;
        }
    }

    /**
     * Searches on from where the last call stopped for the empty line that ends the head, so a head
     * trickling in byte by byte costs linear time. Returns the head length including that line, or -1.
     */
    private int findHeadEnd(ByteBuf in) {
        int base = in.readerIndex();
        int limit = Math.min(in.readableBytes(), maxHeadBytes);
        for (int i = scanned; i < limit; i++) {
            if (in.getByte(base + i) != '\n') {
                continue;
            }
            int contentEnd = i > lineStart && in.getByte(base + i - 1) == '\r' ? i - 1 : i;
            if (contentEnd == lineStart && lineStart > 0) {
                return i + 1;
            }
            if (lineStart == 0) {
                startLineBytes = i + 1;
            }
            lineStart = i + 1;
        }
        scanned = limit;
        return -1;
    }

    /** Fails a head that has not ended yet but already broke a limit; waits otherwise. */
    private void checkUnframedHead(ByteBuf in, List<Object> out) {
        if (lineStart == 0 && scanned > maxLineBytes) {
            in.skipBytes(in.readableBytes());
            fail(out, new MrcpDecodeError(MrcpStatus.UNRECOGNIZED_MESSAGE, "start line too long",
                    MrcpDecodeError.NO_REQUEST_ID, null, false));
        } else if (scanned >= maxHeadBytes) {
            StartLine start = startLineBytes > 0 ? HeadParser.parseRequestLine(
                    ByteBufUtil.getBytes(in, in.readerIndex(), startLineBytes), startLineBytes) : null;
            in.skipBytes(in.readableBytes());
            fail(out, new MrcpDecodeError(MrcpStatus.MESSAGE_TOO_LARGE, "head longer than " + maxHeadBytes + " bytes",
                    start != null ? start.requestId() : MrcpDecodeError.NO_REQUEST_ID, null, false));
        }
    }

    private void fail(List<Object> out, MrcpDecodeError error) {
        state = State.DISCARD;
        head = null;
        out.add(error);
    }

    /** Compares what has arrived of the first five bytes with {@code MRCP/}, to drop garbage at once. */
    private static boolean startsLikeMessage(ByteBuf in) {
        int n = Math.min(in.readableBytes(), MAGIC.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }
}
