package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RtpPacketCodecTest {

    @Test
    void encodesTheRfc3550FixedHeaderBitForBit() {
        ByteBuf out = Unpooled.buffer();
        RtpPacketEncoder.encode(out, true, 96, 0x1234, 0xDEADBEEF, 0x01020304, new byte[] {9, 8, 7});

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("80e0" + "1234" + "deadbeef" + "01020304" + "090807");
    }

    @Test
    void withoutMarkerTheSecondByteIsThePayloadType() {
        ByteBuf out = Unpooled.buffer();
        RtpPacketEncoder.encode(out, false, 0, 0xFFFF, 0, -1, new byte[0]);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("8000" + "ffff" + "00000000" + "ffffffff");
    }

    @Test
    void sequenceNumbersWrapAtSixteenBits() {
        ByteBuf out = Unpooled.buffer();
        RtpPacketEncoder.encode(out, false, 8, 0x10001, 0, 0, new byte[0]);

        assertThat(RtpPacketDecoder.decode(out).sequenceNumber()).isEqualTo(1);
    }

    @Test
    void rejectsAPayloadTypeWiderThanSevenBits() {
        assertThatThrownBy(() -> RtpPacketEncoder.encode(Unpooled.buffer(), false, 128, 0, 0, 0, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void decodeInvertsEncode(@ForAll boolean marker, @ForAll @IntRange(max = 127) int payloadType,
                             @ForAll @IntRange(max = 0xFFFF) int seq, @ForAll int timestamp, @ForAll int ssrc,
                             @ForAll @Size(max = 1400) byte[] payload) {
        ByteBuf buf = Unpooled.buffer();
        RtpPacketEncoder.encode(buf, marker, payloadType, seq, timestamp, ssrc, payload);

        RtpPacket packet = RtpPacketDecoder.decode(buf);

        assertThat(packet.marker()).isEqualTo(marker);
        assertThat(packet.payloadType()).isEqualTo(payloadType);
        assertThat(packet.sequenceNumber()).isEqualTo(seq);
        assertThat(packet.timestamp()).isEqualTo(timestamp);
        assertThat(packet.ssrc()).isEqualTo(ssrc);
        assertThat(packet.payload()).isEqualTo(payload);
        assertThat(buf.isReadable()).isFalse();
    }

    /** The sender builds headers in a reused buffer; they must be the bytes {@code encode} writes. */
    @Property
    void putHeaderWritesTheSameHeaderAsEncode(@ForAll boolean marker, @ForAll @IntRange(max = 127) int payloadType,
                                              @ForAll int seq, @ForAll int timestamp, @ForAll int ssrc) {
        ByteBuf encoded = Unpooled.buffer();
        RtpPacketEncoder.encode(encoded, marker, payloadType, seq, timestamp, ssrc, new byte[0]);
        java.nio.ByteBuffer put = java.nio.ByteBuffer.allocate(RtpPacketEncoder.HEADER_BYTES);

        RtpPacketEncoder.putHeader(put, marker, payloadType, seq, timestamp, ssrc);

        assertThat(put.array()).isEqualTo(ByteBufUtil.getBytes(encoded));
    }

    @Test
    void decoderSkipsCsrcListExtensionAndPadding() {
        // V=2 P=1 X=1 CC=2, M=0 PT=0, seq 7, ts 160, ssrc 5, 2 CSRCs, extension of 1 word, payload "abc", 3 pad bytes
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "b200" + "0007" + "000000a0" + "00000005"
                        + "0000000a" + "0000000b"
                        + "bede0001" + "11223344"
                        + "616263" + "000003"));

        RtpPacket packet = RtpPacketDecoder.decode(in);

        assertThat(packet.sequenceNumber()).isEqualTo(7);
        assertThat(packet.timestamp()).isEqualTo(160);
        assertThat(packet.ssrc()).isEqualTo(5);
        assertThat(new String(packet.payload(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abc");
    }

    @Test
    void decoderRejectsWhatIsNotRtpVersion2() {
        assertThatThrownBy(() -> RtpPacketDecoder.decode(Unpooled.wrappedBuffer(new byte[11])))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("shorter");
        assertThatThrownBy(() -> RtpPacketDecoder.decode(Unpooled.wrappedBuffer(new byte[12])))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("version 0");
        assertThatThrownBy(() -> RtpPacketDecoder.decode(Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump("8f00" + "0000" + "00000000" + "00000000"))))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("CSRC");
        assertThatThrownBy(() -> RtpPacketDecoder.decode(Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump("a000" + "0000" + "00000000" + "00000000" + "0102" + "05"))))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("padding");
    }
}
