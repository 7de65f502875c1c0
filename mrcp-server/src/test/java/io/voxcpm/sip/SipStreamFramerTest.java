package io.voxcpm.sip;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SipStreamFramerTest {

    private static final String BODY = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n";
    private static final String INVITE = "INVITE sip:1.2.3.4 SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.5;branch=z9hG4bKa\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY;
    private static final String OPTIONS = "OPTIONS sip:1.2.3.4 SIP/2.0\r\nVia: SIP/2.0/TCP 1.2.3.5;branch=z9hG4bKb\r\n"
            + "l: 0\r\n\r\n";

    @Test
    void messageSplitAtEveryByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        byte[] bytes = INVITE.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(messages(ch)).containsExactly(INVITE);
    }

    @Test
    void bodySplitAcrossReads() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        int cut = INVITE.indexOf("o=-");
        ch.writeInbound(buf(INVITE.substring(0, cut)));
        assertThat(messages(ch)).isEmpty();
        ch.writeInbound(buf(INVITE.substring(cut)));
        assertThat(messages(ch)).containsExactly(INVITE);
    }

    @Test
    void twoMessagesInOneReadAndKeepAlivesBetween() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        ch.writeInbound(buf("\r\n\r\n" + INVITE + "\r\n\r\n" + OPTIONS + INVITE.substring(0, 10)));
        assertThat(messages(ch)).containsExactly(INVITE, OPTIONS);
        ch.writeInbound(buf(INVITE.substring(10)));
        assertThat(messages(ch)).containsExactly(INVITE);
    }

    @Test
    void lfOnlyLines() {
        String lf = INVITE.replace("\r\n", "\n");
        String lfMessage = lf.substring(0, lf.indexOf("\n\n") + 2) + BODY;  // Content-Length counts the CRLF body
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        ch.writeInbound(buf(lfMessage + OPTIONS));
        assertThat(messages(ch)).containsExactly(lfMessage, OPTIONS);
    }

    @Test
    void missingContentLengthMeansNoBody() {
        String noLength = "BYE sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKc\r\n\r\n";
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        ch.writeInbound(buf(noLength + OPTIONS));
        assertThat(messages(ch)).containsExactly(noLength, OPTIONS);
    }

    @Test
    void negativeOrConflictingLengthsFailTheStream() {
        for (String bad : List.of("Content-Length: -999\r\n", "Content-Length: 3\r\nl: 5\r\n", "l: 1x\r\n",
                "Content-Length: 99999999999\r\n")) {
            EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
            assertThatThrownBy(() -> ch.writeInbound(buf("OPTIONS sip:x SIP/2.0\r\n" + bad + "\r\n")))
                    .as(bad).isInstanceOf(DecoderException.class);
        }
    }

    @Test
    void theBodyCapIsExactlySixtyFourKibibytes() {
        String body = "v".repeat(SipStreamFramer.MAX_BODY_BYTES);
        String atCap = "MESSAGE sip:x SIP/2.0\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        ch.writeInbound(buf(atCap));
        assertThat(messages(ch)).containsExactly(atCap);

        EmbeddedChannel over = new EmbeddedChannel(new SipStreamFramer());
        assertThatThrownBy(() -> over.writeInbound(buf("MESSAGE sip:x SIP/2.0\r\nContent-Length: "
                + (body.length() + 1) + "\r\n\r\n")))
                .as("refused from the header alone, before any of the body is held")
                .isInstanceOf(io.netty.handler.codec.TooLongFrameException.class)
                .hasMessageContaining("SIP body of 65537 bytes");
    }

    @Test
    void endlessHeadersFailTheStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamFramer());
        String line = "X-Filler: " + "a".repeat(100) + "\r\n";
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                ch.writeInbound(buf(line));
            }
        }).isInstanceOf(DecoderException.class);
    }

    private static io.netty.buffer.ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static List<String> messages(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add(new String((byte[]) m, StandardCharsets.UTF_8));
        }
        return out;
    }
}
