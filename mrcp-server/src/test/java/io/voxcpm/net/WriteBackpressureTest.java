package io.voxcpm.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class WriteBackpressureTest {

    private static final int CAP = 256 * 1024;

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel(new WriteBackpressure("test", CAP));
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(TcpLimits.LOW_WATER_MARK,
                TcpLimits.HIGH_WATER_MARK));
        return ch;
    }

    @Test
    void readingPausesWhileResponsesQueueAndResumesWhenTheyDrain() {
        EmbeddedChannel ch = channel();
        ch.write(Unpooled.wrappedBuffer(new byte[TcpLimits.HIGH_WATER_MARK + 1]));  // queued, not flushed
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).as("a client that does not read sends no more requests").isFalse();
        ch.flush();  // the peer read them
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aBacklogPastTheCapClosesTheConnection() {
        EmbeddedChannel ch = channel();
        ChannelFuture last = null;
        for (int i = 0; i < 10 && ch.isOpen(); i++) {
            last = ch.write(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        }
        assertThat(ch.isOpen()).as("closed once more than %d bytes were queued", CAP).isFalse();
        assertThat(last.isSuccess()).isFalse();
        ch.finishAndReleaseAll();
    }
}
