package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.rtp.LoopbackReceiver.Arrival;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RtpAudioChannelTest {

    private static final int PCMU = 0;
    private static final int L16 = 96;
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** UniMRCP's DEVIATION_THRESHOLD: beyond this the receiver drops the packet and restarts. */
    private static final long DEVIATION_SAMPLES = 4000;

    private MediaClock clock;
    private RtpMedia media;
    private LoopbackReceiver receiver;
    private final List<RtpAudioChannel> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        clock = newClock();
        media = new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 24000, 24999));
        receiver = new LoopbackReceiver();
    }

    MediaClock newClock() {
        return new MediaClock(2);
    }

    @AfterEach
    void tearDown() throws Exception {
        opened.forEach(RtpAudioChannel::close);
        receiver.close();
        clock.close();
    }

    private RtpAudioChannel open(int payloadType, int clockRate, int ptimeMs, int frameBytes) throws Exception {
        RtpAudioChannel channel = media.open("test-" + opened.size(), receiver.address(), payloadType,
                clockRate, ptimeMs, frameBytes);
        opened.add(channel);
        return channel;
    }

    private RtpAudioChannel pcmu() throws Exception {
        return open(PCMU, 8000, 20, 160);
    }

    /** A frame whose bytes tell which one it is. */
    private static byte[] frame(int index, int bytes) {
        byte[] frame = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            frame[i] = (byte) (index * 31 + i);
        }
        return frame;
    }

    private static final class Counting implements Talkspurt.Listener {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onPlayedOut() {
            threads.add(Thread.currentThread().getName());
            calls.incrementAndGet();
        }
    }

    private List<RtpPacket> awaitPackets(RtpAudioChannel channel, int count) {
        await().atMost(PATIENCE).until(() -> receiver.packets(channel.ssrc()).size() >= count);
        return receiver.packets(channel.ssrc());
    }

    private List<Arrival> awaitArrivals(RtpAudioChannel channel, int count) {
        await().atMost(PATIENCE).until(() -> receiver.arrivals(channel.ssrc()).size() >= count);
        return receiver.arrivals(channel.ssrc());
    }

    /** Waits until no packet of the stream has arrived for a while, and returns how many did. */
    private int awaitQuiet(RtpAudioChannel channel) {
        AtomicInteger seen = new AtomicInteger(-1);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> seen.getAndSet(receiver.packets(channel.ssrc()).size())
                        == receiver.packets(channel.ssrc()).size());
        return seen.get();
    }

    private static void assertContiguousSequence(List<RtpPacket> packets) {
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).sequenceNumber())
                    .as("sequence number of packet %d", i)
                    .isEqualTo((packets.get(i - 1).sequenceNumber() + 1) & 0xFFFF);
        }
    }

    /** The check UniMRCP's receiver applies to each packet: timestamps follow the arrival clock. */
    private static void assertTimestampsFollowArrival(List<Arrival> arrivals, int clockRate) {
        Arrival first = arrivals.get(0);
        for (Arrival a : arrivals) {
            long tsElapsed = Integer.toUnsignedLong(a.packet().timestamp() - first.packet().timestamp());
            long arrivalElapsed = (a.nanos() - first.nanos()) * clockRate / 1_000_000_000L;
            assertThat(Math.abs(tsElapsed - arrivalElapsed)).as("timestamp vs arrival deviation, samples")
                    .isLessThan(DEVIATION_SAMPLES);
        }
    }

    @Test
    void everyFrameIsCountedOnceAndSocketErrorsAreLoggedOnceAtCloseNotOnThePacingLoop() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(RtpAudioChannel.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            refusedPeer(lines);
        } finally {
            logger.detachAppender(lines);
        }
    }

    private void refusedPeer(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines)
            throws Exception {
        int closedPort;
        try (java.net.DatagramSocket gone = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        RtpAudioChannel channel = media.open("test-refused", new java.net.InetSocketAddress(
                InetAddress.getLoopbackAddress(), closedPort), PCMU, 8000, 20, 160);
        opened.add(channel);
        Counting done = new Counting();
        Talkspurt spurt = channel.begin(done);
        for (int i = 0; i < 40; i++) {
            spurt.write(frame(i, 160));
        }
        spurt.finish();
        await().atMost(PATIENCE).until(() -> done.calls.get() == 1);
        RtpStats stats = clock.stats();
        assertThat(stats.packetsSent() + stats.packetsDropped()).as("sent %s, dropped %s", stats.packetsSent(),
                stats.packetsDropped()).isEqualTo(40);
        assertThat(lines.list).as("the pacing loop logs nothing, however its socket fares").isEmpty();
        channel.close();
        assertThat(lines.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .startsWith("[test-refused] RTP to ").contains("socket errors (last: "));
    }

    @Test
    void sendsATalkspurtInOrderAsContiguousPacketsAndReportsPlayedOutOnce() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();
        Talkspurt talkspurt = channel.begin(listener);
        for (int i = 0; i < 25; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        List<RtpPacket> packets = awaitPackets(channel, 25);

        assertThat(packets).hasSize(25);
        for (int i = 0; i < packets.size(); i++) {
            RtpPacket p = packets.get(i);
            assertThat(p.payload()).as("payload %d", i).isEqualTo(frame(i, 160));
            assertThat(p.payloadType()).isEqualTo(PCMU);
            assertThat(p.ssrc()).isEqualTo(channel.ssrc());
            assertThat(p.marker()).as("marker of packet %d", i).isEqualTo(i == 0);
            if (i > 0) {
                assertThat(p.timestamp() - packets.get(i - 1).timestamp()).isEqualTo(160);
            }
        }
        assertContiguousSequence(packets);
        assertThat(listener.threads).allSatisfy(t -> assertThat(t).startsWith("rtp-clock"));
        await().during(Duration.ofMillis(200)).atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        assertThat(receiver.packets(channel.ssrc())).hasSize(25);
    }

    @Test
    void aWrittenTalkspurtTellsItsHookOfItsFirstFrameOnceAndNotAfterAnAbort() throws Exception {
        RtpAudioChannel channel = pcmu();
        List<RtpTalkspurt> told = new CopyOnWriteArrayList<>();
        RtpTalkspurt talkspurt = new RtpTalkspurt(channel, new Counting(), told::add);
        assertThat(told).as("begun, no audio yet").isEmpty();
        talkspurt.write(frame(0, 160));
        assertThat(told).containsExactly(talkspurt);
        talkspurt.write(frame(1, 160));
        talkspurt.write(frame(2, 160));
        assertThat(told).as("only the first frame begins the audio").hasSize(1);

        List<RtpTalkspurt> toldAborted = new CopyOnWriteArrayList<>();
        RtpTalkspurt aborted = new RtpTalkspurt(channel, new Counting(), toldAborted::add);
        aborted.abort();
        aborted.write(frame(0, 160)); // an engine still producing after STOP
        assertThat(toldAborted).isEmpty();
    }

    @Test
    void anEmptyFinishedTalkspurtPlaysOutWithoutSending() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();

        channel.begin(listener).finish();

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        assertThat(receiver.packets(channel.ssrc())).isEmpty();
    }

    @Test
    void anUnderrunLeavesAGapInTimestampsButNotInSequenceNumbersAndSetsNoMarker() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();
        Talkspurt talkspurt = channel.begin(listener);
        for (int i = 0; i < 5; i++) {
            talkspurt.write(frame(i, 160));
        }
        awaitPackets(channel, 5);
        Thread.sleep(150); // the engine falls behind: at least 7 ticks with nothing queued
        for (int i = 5; i < 10; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        List<Arrival> arrivals = awaitArrivals(channel, 10);
        List<RtpPacket> packets = arrivals.stream().map(Arrival::packet).toList();

        assertThat(packets).hasSize(10);
        assertContiguousSequence(packets);
        assertThat(packets).extracting(RtpPacket::marker).containsExactly(
                true, false, false, false, false, false, false, false, false, false);
        int gap = packets.get(5).timestamp() - packets.get(4).timestamp();
        assertThat(gap % 160).isZero();
        assertThat(gap).isGreaterThanOrEqualTo(7 * 160);
        assertTimestampsFollowArrival(arrivals, 8000);
    }

    @Test
    void pauseHoldsFramesWhileTimestampsRunAndResumeSetsTheMarker() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();
        Talkspurt talkspurt = channel.begin(listener);
        for (int i = 0; i < 40; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();
        awaitPackets(channel, 5);

        talkspurt.pause();
        Thread.sleep(300);
        assertThat(listener.calls).hasValue(0);
        talkspurt.resume();

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        List<Arrival> arrivals = awaitArrivals(channel, 40);
        List<RtpPacket> packets = arrivals.stream().map(Arrival::packet).toList();
        assertThat(packets).hasSize(40);
        int resumedAt = -1;
        for (int i = 1; i < 40; i++) {
            if (packets.get(i).marker()) {
                assertThat(resumedAt).as("a single marker after the first packet").isEqualTo(-1);
                resumedAt = i;
            }
        }
        assertThat(resumedAt).isGreaterThanOrEqualTo(5);
        for (int i = 0; i < 40; i++) {
            assertThat(packets.get(i).payload()).isEqualTo(frame(i, 160));
            if (i > 0 && i != resumedAt) {
                assertThat(packets.get(i).timestamp() - packets.get(i - 1).timestamp()).isEqualTo(160);
            }
        }
        assertThat(packets.get(0).marker()).isTrue();
        assertContiguousSequence(packets);
        // Every packet carries the timestamp of the tick that sent it: a gap of at least the pause
        // (less the tick in progress) proves nothing left while paused and that the clock kept running.
        int gap = packets.get(resumedAt).timestamp() - packets.get(resumedAt - 1).timestamp();
        assertThat(gap % 160).isZero();
        assertThat(gap / 160).as("ticks across the pause").isGreaterThanOrEqualTo(300 / 20 - 1);
        assertTimestampsFollowArrival(arrivals, 8000);
    }

    @Test
    void aNewTalkspurtKeepsSsrcAndSequenceAndStartsWithAMarker() throws Exception {
        RtpAudioChannel channel = pcmu();
        for (int round = 0; round < 2; round++) {
            Counting listener = new Counting();
            Talkspurt talkspurt = channel.begin(listener);
            for (int i = 0; i < 5; i++) {
                talkspurt.write(frame(round * 5 + i, 160));
            }
            talkspurt.finish();
            await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
            Thread.sleep(100);
        }

        List<Arrival> arrivals = awaitArrivals(channel, 10);
        List<RtpPacket> packets = arrivals.stream().map(Arrival::packet).toList();
        assertThat(packets).hasSize(10);
        assertThat(packets).extracting(RtpPacket::marker).containsExactly(
                true, false, false, false, false, true, false, false, false, false);
        assertContiguousSequence(packets);
        assertTimestampsFollowArrival(arrivals, 8000);
    }

    @Test
    void beginAbortsATalkspurtStillPlayingWithoutItsCallback() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting first = new Counting();
        Talkspurt old = channel.begin(first);
        for (int i = 0; i < 100; i++) {
            old.write(frame(i, 160));
        }
        awaitPackets(channel, 3);

        Counting second = new Counting();
        Talkspurt next = channel.begin(second);
        next.write(frame(1000, 160));
        next.finish();
        await().atMost(PATIENCE).until(() -> second.calls.get() == 1);

        await().atMost(PATIENCE).until(() -> receiver.packets(channel.ssrc()).stream()
                .anyMatch(p -> Arrays.equals(p.payload(), frame(1000, 160))));
        awaitQuiet(channel);
        List<RtpPacket> packets = receiver.packets(channel.ssrc());
        RtpPacket last = packets.get(packets.size() - 1);
        assertThat(last.payload()).isEqualTo(frame(1000, 160));
        assertThat(last.marker()).isTrue();
        assertThat(packets.size()).isLessThan(50);
        assertThat(first.calls).hasValue(0);
        old.write(frame(7, 160)); // an engine thread still producing for the aborted talkspurt
    }

    @Test
    void abortStopsSendingAtOnce() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();
        Talkspurt talkspurt = channel.begin(listener);
        for (int i = 0; i < 100; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();
        awaitPackets(channel, 3);

        talkspurt.abort();

        // 100 frames take 2 s to send: stopping early shows as a stream that goes quiet well short of them.
        assertThat(awaitQuiet(channel)).isLessThan(50);
        assertThat(listener.calls).hasValue(0);
    }

    @Test
    void closeStopsAQueuedTalkspurtWithoutCallbackAndRefusesNewOnes() throws Exception {
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();
        Talkspurt talkspurt = channel.begin(listener);
        for (int i = 0; i < 100; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();
        awaitPackets(channel, 3);

        channel.close();

        assertThat(awaitQuiet(channel)).isLessThan(50);
        assertThat(listener.calls).hasValue(0);
        assertThatThrownBy(() -> channel.begin(listener)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void framesMustHaveTheNegotiatedSizeAndNotFollowFinish() throws Exception {
        Talkspurt talkspurt = pcmu().begin(new Counting());

        assertThatThrownBy(() -> talkspurt.write(new byte[159])).isInstanceOf(IllegalArgumentException.class);
        talkspurt.finish();
        assertThatThrownBy(() -> talkspurt.write(new byte[160])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamsWithOtherPacketizationTimesRunOnTheSameClock() throws Exception {
        int[] ptimes = {10, 20, 30, 40};
        List<RtpAudioChannel> channels = new ArrayList<>();
        List<Counting> listeners = new ArrayList<>();
        for (int ptime : ptimes) {
            int bytes = 16 * ptime * 2; // L16 at 16 kHz
            RtpAudioChannel channel = open(L16, 16000, ptime, bytes);
            Counting listener = new Counting();
            Talkspurt talkspurt = channel.begin(listener);
            for (int i = 0; i < 400 / ptime; i++) {
                talkspurt.write(frame(i, bytes));
            }
            talkspurt.finish();
            channels.add(channel);
            listeners.add(listener);
        }
        await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.calls.get() == 1));

        for (int c = 0; c < ptimes.length; c++) {
            int ptime = ptimes[c];
            List<Arrival> arrivals = awaitArrivals(channels.get(c), 400 / ptime);
            List<RtpPacket> packets = arrivals.stream().map(Arrival::packet).toList();
            assertThat(packets).as("ptime %d", ptime).hasSize(400 / ptime);
            for (int i = 1; i < packets.size(); i++) {
                assertThat(packets.get(i).timestamp() - packets.get(i - 1).timestamp()).isEqualTo(16 * ptime);
                assertThat(packets.get(i).payload()).isEqualTo(frame(i, 32 * ptime));
            }
            assertContiguousSequence(packets);
            assertTimestampsFollowArrival(arrivals, 16000);
            // No bursts: the run spans at least half the media time it carries.
            long spanMs = (arrivals.get(arrivals.size() - 1).nanos() - arrivals.get(0).nanos()) / 1_000_000;
            assertThat(spanMs).as("span of the ptime %d stream", ptime)
                    .isGreaterThanOrEqualTo((packets.size() - 1) * ptime / 2L);
        }
    }

    @Test
    void twoHundredStreamsOnOneClockAreAllDelivered() throws Exception {
        int streams = 200;
        int frames = 25;
        List<RtpAudioChannel> channels = new ArrayList<>();
        AtomicInteger playedOut = new AtomicInteger();
        for (int s = 0; s < streams; s++) {
            RtpAudioChannel channel = pcmu();
            Talkspurt talkspurt = channel.begin(playedOut::incrementAndGet);
            for (int i = 0; i < frames; i++) {
                talkspurt.write(frame(s + i, 160));
            }
            talkspurt.finish();
            channels.add(channel);
        }
        await().atMost(PATIENCE).until(() -> playedOut.get() == streams);
        await().atMost(PATIENCE).until(() ->
                channels.stream().allMatch(c -> receiver.packets(c.ssrc()).size() == frames));

        InterArrival stats = new InterArrival();
        for (int s = 0; s < streams; s++) {
            RtpAudioChannel channel = channels.get(s);
            List<Arrival> arrivals = receiver.arrivals(channel.ssrc());
            List<RtpPacket> packets = arrivals.stream().map(Arrival::packet).toList();
            for (int i = 0; i < frames; i++) {
                assertThat(packets.get(i).payload()).isEqualTo(frame(s + i, 160));
                assertThat(packets.get(i).marker()).isEqualTo(i == 0);
            }
            assertContiguousSequence(packets);
            stats.add(arrivals);
            long spanMs = (arrivals.get(frames - 1).nanos() - arrivals.get(0).nanos()) / 1_000_000;
            assertThat(spanMs).as("span of stream %d", s).isGreaterThanOrEqualTo((frames - 1) * 20 / 2);
        }
        assertThat(receiver.streams()).isEqualTo(streams);
        System.out.printf("200 streams x %d packets, inter-arrival: %s%n", frames, stats);
    }

    @Test
    void channelsPlayingOneStoredFrameSetSendTheSameBytesAsAWrittenTalkspurt() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            frames.add(frame(i, 160));
        }
        EncodedFrames stored = EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, frames);
        RtpAudioChannel written = pcmu();
        List<RtpAudioChannel> playing = List.of(pcmu(), pcmu(), pcmu());
        Counting listener = new Counting();
        Talkspurt talkspurt = written.begin(listener);
        frames.forEach(talkspurt::write);
        talkspurt.finish();
        for (RtpAudioChannel channel : playing) {
            channel.play(stored, 0, listener);
        }

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 4);
        List<RtpPacket> reference = awaitPackets(written, 12);
        for (RtpAudioChannel channel : playing) {
            List<RtpPacket> packets = awaitPackets(channel, 12);
            assertThat(packets).hasSize(12);
            for (int i = 0; i < 12; i++) {
                RtpPacket p = packets.get(i);
                assertThat(p.payload()).as("payload %d", i).isEqualTo(reference.get(i).payload());
                assertThat(p.marker()).as("marker %d", i).isEqualTo(i == 0);
                assertThat(p.payloadType()).isEqualTo(PCMU);
                assertThat(p.ssrc()).isEqualTo(channel.ssrc());
                if (i > 0) {
                    assertThat(p.timestamp() - packets.get(i - 1).timestamp()).isEqualTo(160);
                }
            }
            assertContiguousSequence(packets);
        }
        assertThat(listener.threads).allSatisfy(t -> assertThat(t).startsWith("rtp-clock"));
    }

    @Test
    void playingFromAFrameIndexSendsTheRestAndPausesLikeAnyTalkspurt() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(frame(i, 160));
        }
        EncodedFrames stored = EncodedFrames.of(TelephonyFormat.PCMU_8K, 20, frames);
        RtpAudioChannel channel = pcmu();
        Counting listener = new Counting();

        Talkspurt talkspurt = channel.play(stored, 6, listener);
        assertThatThrownBy(() -> talkspurt.write(frame(0, 160))).isInstanceOf(IllegalStateException.class);

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        List<RtpPacket> packets = awaitPackets(channel, 4);
        assertThat(packets).extracting(RtpPacket::payload)
                .containsExactly(frame(6, 160), frame(7, 160), frame(8, 160), frame(9, 160));
        assertThatThrownBy(() -> channel.play(stored, 11, listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channel.play(EncodedFrames.of(TelephonyFormat.L16_8K, 20, List.of(new byte[320])),
                0, listener)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErrorInOneStreamsTickEndsOnlyThatTalkspurt() throws Exception {
        clock.close();
        clock = new MediaClock(1); // both streams on the same loop and timer
        media = new RtpMedia(clock, new RtpPortAllocator(InetAddress.getLoopbackAddress(), 24000, 24999));
        RtpAudioChannel broken = pcmu();
        RtpAudioChannel healthy = pcmu();
        AtomicInteger brokenCalls = new AtomicInteger();
        Talkspurt first = broken.begin(() -> {
            brokenCalls.incrementAndGet();
            throw new StackOverflowError("a listener gone wrong");
        });
        first.finish(); // plays out on the next tick, and the listener throws an Error on the clock's loop
        Counting listener = new Counting();
        Talkspurt talkspurt = healthy.begin(listener);
        for (int i = 0; i < 20; i++) {
            talkspurt.write(frame(i, 160));
        }
        talkspurt.finish();

        await().atMost(PATIENCE).until(() -> listener.calls.get() == 1);
        assertThat(awaitPackets(healthy, 20)).hasSize(20);
        assertThat(brokenCalls).hasValue(1);
        // the broken stream's channel still works for its next talkspurt
        Counting again = new Counting();
        Talkspurt next = broken.begin(again);
        next.write(frame(99, 160));
        next.finish();
        await().atMost(PATIENCE).until(() -> again.calls.get() == 1);
        assertThat(awaitPackets(broken, 1)).extracting(RtpPacket::payload).containsExactly(frame(99, 160));
    }

    @Test
    void theClockKeepsTickingOtherStreamsWhenOneThrowsAnError() throws Exception {
        clock.close();
        clock = new MediaClock(1);
        io.netty.channel.EventLoop loop = clock.nextLoop();
        AtomicInteger throwing = new AtomicInteger();
        AtomicInteger counting = new AtomicInteger();
        clock.register(loop, 20, slot -> {
            throwing.incrementAndGet();
            throw new AssertionError("a bug in one stream");
        });
        clock.register(loop, 20, slot -> counting.incrementAndGet() > 0);

        await().atMost(PATIENCE).until(() -> counting.get() >= 10);
        assertThat(throwing.get()).isGreaterThanOrEqualTo(9);
    }

    /** Inter-arrival statistics of one or more streams, in milliseconds. */
    private static final class InterArrival {
        private long count;
        private double sum;
        private double sumSquares;
        private double max;

        void add(List<Arrival> arrivals) {
            for (int i = 1; i < arrivals.size(); i++) {
                double ms = (arrivals.get(i).nanos() - arrivals.get(i - 1).nanos()) / 1e6;
                count++;
                sum += ms;
                sumSquares += ms * ms;
                max = Math.max(max, ms);
            }
        }

        @Override
        public String toString() {
            double mean = sum / count;
            return String.format("n=%d mean=%.2f ms stdev=%.2f ms max=%.2f ms", count, mean,
                    Math.sqrt(Math.max(0, sumSquares / count - mean * mean)), max);
        }
    }
}
