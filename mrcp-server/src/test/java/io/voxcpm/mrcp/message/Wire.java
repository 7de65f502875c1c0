package io.voxcpm.mrcp.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Feeds bytes through a real {@link MrcpDecoder} in a Netty pipeline, in the chunks a test chooses. */
final class Wire {

    private Wire() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Decodes with a default decoder, one chunk per read. */
    static List<Object> decode(byte[]... chunks) {
        return decode(new MrcpDecoder(), chunks);
    }

    /**
     * Decodes the chunks as separate reads, then closes the channel. Fails if any exception reached the
     * pipeline or any input buffer was not released.
     */
    static List<Object> decode(MrcpDecoder decoder, byte[]... chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> written = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuf buf = Unpooled.directBuffer(Math.max(chunk.length, 1)).writeBytes(chunk);
            written.add(buf);
            channel.writeInbound(buf);
            channel.checkException();
        }
        channel.finish();
        channel.checkException();
        List<Object> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            assertThat(o).isInstanceOfAny(MrcpMessage.class, MrcpDecodeError.class);
            if (o instanceof MrcpDecodeError e) {
                // 501 is what the decoder's safety net reports: a bug, never a verdict on the input
                assertThat(e.statusCode()).as(e.reason()).isNotEqualTo(MrcpStatus.SERVER_INTERNAL_ERROR);
            }
            out.add(o);
        }
        for (ByteBuf buf : written) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
        return out;
    }

    /** Splits {@code data} at the given ascending offsets. */
    static byte[][] split(byte[] data, int... cuts) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            parts.add(java.util.Arrays.copyOfRange(data, from, cut));
            from = cut;
        }
        parts.add(java.util.Arrays.copyOfRange(data, from, data.length));
        return parts.toArray(new byte[0][]);
    }
}
