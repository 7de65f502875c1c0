package io.voxcpm.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import io.voxcpm.mrcp.message.MrcpDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Virtual time: {@code advanceTimeBy} instead of sleeping. */
class MessageDeadlineTest {

    private static final String REQUEST = "MRCP/2.0 77 STOP 1\r\nChannel-Identifier: 32AECB23433801@speechsynth\r\n\r\n";

    private static EmbeddedChannel mrcp() {
        MessageDeadline deadline = new MessageDeadline("test", Duration.ofSeconds(10));
        return new EmbeddedChannel(deadline.bytes(), new MrcpDecoder(), deadline.messages());
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private static void after(EmbeddedChannel ch, int seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aMessageTrickledOneByteAtATimeIsCutOff() {
        EmbeddedChannel ch = mrcp();
        for (int i = 0; i < 12 && ch.isOpen(); i++) {
            send(ch, REQUEST.substring(i, i + 1));
            after(ch, 1);
        }
        assertThat(ch.isOpen()).as("10 s after its first byte").isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void completeMessagesNeverExpireHoweverLongTheGapsBetweenThem() {
        EmbeddedChannel ch = mrcp();
        for (int i = 0; i < 5; i++) {
            send(ch, REQUEST.substring(0, 20));
            after(ch, 9);
            send(ch, REQUEST.substring(20));
            assertThat((Object) ch.readInbound()).isNotNull();
            after(ch, 60);
        }
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aPartialMessageAfterACompleteOneStartsItsClockWithItsNextByte() {
        EmbeddedChannel ch = mrcp();
        send(ch, REQUEST + "MRCP/2.0 77 ST");
        assertThat((Object) ch.readInbound()).isNotNull();
        after(ch, 30);
        assertThat(ch.isOpen()).as("left to the idle timeout").isTrue();
        send(ch, "O");
        after(ch, 11);
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void lineEndKeepAlivesStartNoClock() {
        MessageDeadline deadline = new MessageDeadline("test", Duration.ofSeconds(10));
        // like SIP's framer: CRLF between messages is skipped, nothing is emitted for it
        EmbeddedChannel ch = new EmbeddedChannel(deadline.bytes(), new ByteToMessageDecoder() {
            @Override
            protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                in.skipBytes(in.readableBytes());
            }
        }, deadline.messages());
        for (int i = 0; i < 5; i++) {
            send(ch, "\r\n\r\n");
            after(ch, 30);
        }
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }
}
