package io.voxcpm.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RtpPortAllocatorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(LOOPBACK, 9);
    private static MediaClock clock;

    @BeforeAll
    static void startClock() {
        clock = new MediaClock(1);
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    private static RtpAudioChannel open(RtpMedia media) throws RtpPortsExhaustedException {
        return media.open("alloc-test", NOWHERE, 0, 8000, 20, 160);
    }

    @Test
    void handsOutEvenPortsOfTheRangeLeavingRtcpPortsFree() throws Exception {
        RtpPortAllocator ports = new RtpPortAllocator(LOOPBACK, 23101, 23110);
        RtpMedia media = new RtpMedia(clock, ports);

        try (RtpAudioChannel a = open(media); RtpAudioChannel b = open(media)) {
            assertThat(a.localPort()).isEqualTo(23102);
            assertThat(b.localPort()).isEqualTo(23104);
            assertThat(ports.inUse()).isEqualTo(2);
        }
    }

    @Test
    void skipsAPortBoundByAnotherProcess() throws Exception {
        RtpMedia media = new RtpMedia(clock, new RtpPortAllocator(LOOPBACK, 23120, 23129));

        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, 23120));
             RtpAudioChannel channel = open(media)) {
            assertThat(squatter.isBound()).isTrue();
            assertThat(channel.localPort()).isEqualTo(23122);
        }
    }

    @Test
    void reportsExhaustionAndRecoversWhenAPortIsReleased() throws Exception {
        RtpPortAllocator ports = new RtpPortAllocator(LOOPBACK, 23140, 23143);
        RtpMedia media = new RtpMedia(clock, ports);
        RtpAudioChannel first = open(media);
        RtpAudioChannel second = open(media);

        assertThatThrownBy(() -> open(media))
                .isInstanceOf(RtpPortsExhaustedException.class)
                .hasMessageContaining("no free RTP port in 23140-23143")
                .hasMessageContaining("2 in use by this server");

        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> ports.inUse() == 1);
        try (RtpAudioChannel third = open(media)) {
            assertThat(third.localPort()).isEqualTo(23140);
        }
        second.close();
    }

    @Test
    void closingTheChannelGivesThePortBackToTheSystem() throws Exception {
        RtpPortAllocator ports = new RtpPortAllocator(LOOPBACK, 23160, 23169);
        RtpAudioChannel channel = open(new RtpMedia(clock, ports));
        int port = channel.localPort();

        channel.close();

        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            try (DatagramSocket rebound = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                return rebound.getLocalPort() == port;
            }
        });
        assertThat(ports.inUse()).isZero();
    }

    @Test
    void bindsWithoutWaitingForTheClocksLoop() throws Exception {
        // An INVITE's answer needs only the port: a loop busy with a long tick must not hold it up.
        MediaClock busy = new MediaClock(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            busy.nextLoop().execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            RtpPortAllocator ports = new RtpPortAllocator(LOOPBACK, 23180, 23189);
            CompletableFuture<RtpAudioChannel> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    return open(new RtpMedia(busy, ports));
                } catch (RtpPortsExhaustedException e) {
                    throw new IllegalStateException(e);
                }
            });
            RtpAudioChannel channel = opened.get(10, TimeUnit.SECONDS);
            assertThat(channel.localPort()).isEqualTo(23180);
            release.countDown();
            channel.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> ports.inUse() == 0);
        } finally {
            release.countDown();
            busy.close();
        }
    }

    @Test
    void aStreamBoundOffTheLoopStillSendsItsPackets() throws Exception {
        RtpPortAllocator ports = new RtpPortAllocator(LOOPBACK, 23200, 23209);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            receiver.setSoTimeout(5000);
            RtpAudioChannel channel = new RtpMedia(clock, ports)
                    .open("alloc-send", (InetSocketAddress) receiver.getLocalSocketAddress(), 0, 8000, 20, 160);
            try {
                channel.begin(() -> { }).write(new byte[160]);
                DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
                receiver.receive(packet);
                assertThat(packet.getLength()).isEqualTo(12 + 160);
                assertThat(packet.getPort()).isEqualTo(channel.localPort());
            } finally {
                channel.close();
            }
        }
    }

    @Test
    void rejectsARangeWithoutAPortPair() {
        assertThatThrownBy(() -> new RtpPortAllocator(LOOPBACK, 5001, 5002))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
