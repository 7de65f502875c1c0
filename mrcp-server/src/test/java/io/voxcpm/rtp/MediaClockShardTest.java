package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One clock loop's timer in virtual time: an embedded channel's event loop runs the slot timer when the test
 * advances its clock, on the test's thread.
 */
class MediaClockShardTest {

    /** A stream that counts its ticks; idle (no talkspurt) until told otherwise. */
    private static final class Stream implements Paced {
        final AtomicInteger ticks = new AtomicInteger();
        volatile boolean active;

        @Override
        public boolean tick(long slot) {
            ticks.incrementAndGet();
            return active;
        }

        @Override
        public boolean active() {
            return active;
        }
    }

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EventLoop loop = channel.eventLoop();
    private final MediaClock.Shard shard = new MediaClock.Shard(loop, System.nanoTime());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void advance(long millis) {
        for (long ms = 0; ms < millis; ms++) { // a millisecond at a time, as the slots come
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    void aLoopWhoseStreamsAreIdleSleepsAndLetsItsLastStreamGoWithoutATimerToCancel() {
        Stream idle = new Stream();
        shard.add(20, idle);
        advance(100);
        int ticked = idle.ticks.get();
        assertThat(ticked).as("ticks before the loop went to sleep").isBetween(1, 2);

        advance(200);
        assertThat(idle.ticks).as("asleep: no tick").hasValue(ticked);

        shard.remove(20, idle); // the last stream of a sleeping loop: nothing to cancel
        Stream next = new Stream();
        next.active = true;
        shard.add(20, next); // a new stream starts the timer again
        advance(100);
        assertThat(next.ticks.get()).isBetween(4, 6);
    }

    @Test
    void aStreamThatBecomesActiveWakesASleepingLoopAndTicksEveryPtimeFromThen() {
        Stream stream = new Stream();
        shard.add(20, stream);
        advance(100);
        int asleep = stream.ticks.get();

        stream.active = true; // a talkspurt began on another thread, which then wakes the loop
        shard.began(20, stream);
        shard.began(20, stream); // a second start meanwhile costs nothing more
        advance(200);

        assertThat(stream.ticks.get() - asleep).isBetween(9, 11);
        stream.active = false;
        advance(200);
        int after = stream.ticks.get();
        advance(200);
        assertThat(stream.ticks).as("asleep again once idle for a whole ptime").hasValue(after);
    }

    @Test
    void aTalkspurtOnABusyLoopSendsOnTheNextSlotNotInTheStreamsOldPhase() {
        Stream busy = new Stream();
        busy.active = true;
        shard.add(20, busy); // keeps the timer running
        advance(3);
        Stream stream = new Stream();
        shard.add(20, stream); // phase: the next least used slot
        advance(10);
        int before = stream.ticks.get();

        stream.active = true;
        shard.began(20, stream);
        advance(2); // the move waits for the next slot's wake-up, then the stream ticks in that slot or the next

        assertThat(stream.ticks.get() - before).isEqualTo(1);
    }

    /** A talkspurt an engine writes into: active from its beginning, its first packet once a frame is there. */
    private static final class Written implements Paced {
        volatile boolean frame;
        long firstPacketSlot = -1;
        long lastSlot;

        @Override
        public boolean tick(long slot) {
            lastSlot = slot;
            if (frame && firstPacketSlot < 0) {
                firstPacketSlot = slot;
            }
            return true;
        }

        @Override
        public boolean midTalkspurt() {
            return firstPacketSlot >= 0;
        }
    }

    @Test
    void anEngineWrittenTalkspurtsFirstFrameLeavesOnTheNextSlotsNotInThePhaseItBeganIn() {
        Stream busy = new Stream();
        busy.active = true;
        shard.add(20, busy); // keeps the timer running
        Written moved = new Written();
        Written unmoved = new Written();
        shard.add(20, moved);
        shard.add(20, unmoved);
        advance(5);
        shard.began(20, moved); // SPEAK: each talkspurt begins empty while the engine generates
        shard.began(20, unmoved);
        advance(150);

        // what RtpAudioChannel does on a talkspurt's first written frame: began again
        assertThat(msToFirstPacket(moved, true)).isBetween(1, 2);
        // without it the frame waits for the phase picked at SPEAK (17 ms on here)
        assertThat(msToFirstPacket(unmoved, false)).isBetween(16, 18);
    }

    /** The first frame comes 3 ms after the stream's own slot; milliseconds until its first packet. */
    private int msToFirstPacket(Written stream, boolean beganAgain) {
        long ticked = stream.lastSlot;
        while (stream.lastSlot == ticked) {
            advance(1);
        }
        advance(3);
        stream.frame = true;
        if (beganAgain) {
            shard.began(20, stream);
        }
        int waited = 0;
        while (stream.firstPacketSlot < 0 && waited < 40) {
            advance(1);
            waited++;
        }
        return waited;
    }

    @Test
    void aLoopWithAStreamWhoseTalkspurtBeganBeforeItsFirstTickDoesNotSleep() {
        Stream idle = new Stream();
        Stream other = new Stream();
        shard.add(20, idle);
        shard.add(20, other);
        // the talkspurt began before the loop ran: no wake-up is needed, the stream keeps the timer running
        other.active = true;
        advance(200);
        assertThat(other.ticks.get()).isBetween(9, 11);
    }
}
