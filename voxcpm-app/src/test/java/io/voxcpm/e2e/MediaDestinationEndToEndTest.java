package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.next;
import static io.voxcpm.e2e.Pbx.speak;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.server.MediaConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where RTP may go, over real sockets: SIP comes from 127.0.0.1, so an offer naming another loopback address
 * (all of 127/8 is this host) stands for a third party. Only a listed network (127.0.0.3 here) or the SIP
 * source itself receives audio, and an offer that does not want audio gets none.
 */
class MediaDestinationEndToEndTest {

    private static final String LISTED = "127.0.0.3";
    private static VoxcpmMrcpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = VoxcpmMrcpServer.start(Pbx.config(37000, new SynthConfig(20, 20, false, 4),
                        new MrcpConfig(0, 600, 300))
                .withMedia(new MediaConfig(List.of(LISTED + "/32"))), new ScriptedStandInEngine());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingLeftBehind() {
        await().atMost(Duration.ofSeconds(5)).until(() -> server.usage().sessions() == 0
                && server.usage().rtpPorts() == 0 && server.usage().sipDialogs() == 0);
    }

    @ParameterizedTest(name = "c={0} -> 488, Warning {1}")
    @CsvSource({
            "127.0.0.2,       399",   // not the SIP source, not listed: a third party
            "localhost,       301",   // a host name: never resolved
            "pbx.invalid,     301",
            "224.0.0.1,       399",   // multicast
            "255.255.255.255, 399",   // broadcast
            "169.254.169.254, 399",   // link-local (a cloud metadata service)
            "0.0.0.0,         399",   // unspecified
    })
    void refusesADestinationOtherThanTheSignallingPeer(String address, int warnCode) throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            String response = pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU)
                    .replace("c=IN IP4 127.0.0.1", "c=IN IP4 " + address));
            assertThat(response).startsWith("SIP/2.0 488");
            assertThat(UniMrcpClientSim.headerOf(response, "Warning")).startsWith(warnCode + " voxcpm-mrcp \"")
                    .contains(address);
            assertThat(server.usage().rtpPorts()).isZero();
        }
    }

    @Test
    void sendsToAListedNetwork() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server));
             Receiver listed = new Receiver(LISTED)) {
            String offer = UniMrcpClientSim.freeswitchOffer(listed.port(), "0", Pbx.PCMU)
                    .replace("c=IN IP4 127.0.0.1", "c=IN IP4 " + LISTED);
            assertThat(pbx.invite(offer)).startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            speak(pbx, 1, "[[seconds=0.3]] to the gateway");
            assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(listed.packets.get()).isGreaterThanOrEqualTo(10);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void sendonlyOfferGetsNoAudioUntilAReinviteAsksForIt() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(Pbx.sip(server))) {
            String recvonly = UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", Pbx.PCMU);
            String sendonly = recvonly.replace("a=recvonly", "a=sendonly");
            assertThat(pbx.invite(sendonly)).startsWith("SIP/2.0 200");
            assertThat(pbx.answer()).contains("a=inactive").doesNotContain("a=sendonly");
            pbx.connectMrcp();
            long sentBefore = server.rtpStats().packetsSent();
            speak(pbx, 1, "[[seconds=0.3]] nobody listens");
            assertThat(next(pbx).header("Completion-Cause")).as("the SPEAK still completes")
                    .isEqualTo("000 normal");
            // a SPEAK-COMPLETE follows its last packet: what the server sent is counted by now, no wait needed
            assertThat(server.rtpStats().packetsSent()).as("no RTP to a sendonly client").isEqualTo(sentBefore);
            assertThat(pbx.rtpPackets()).isEmpty();

            String resumed = pbx.reinvite(recvonly, "");
            assertThat(resumed).startsWith("SIP/2.0 200").contains("a=sendonly").containsPattern("o=voxcpm \\d+ 2 ");
            speak(pbx, 2, "[[seconds=0.3]] now it listens");
            assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(pbx.rtpPackets()).hasSizeGreaterThanOrEqualTo(10);

            assertThat(pbx.reinvite(recvonly.replace("a=recvonly", "a=inactive"), ""))
                    .startsWith("SIP/2.0 200").contains("a=inactive");
            int before = pbx.rtpPackets().size();
            long sentBeforeHold = server.rtpStats().packetsSent();
            speak(pbx, 3, "[[seconds=0.3]] on hold");
            assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(server.rtpStats().packetsSent()).as("no RTP on hold").isEqualTo(sentBeforeHold);
            assertThat(pbx.rtpPackets()).hasSize(before);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** Counts datagrams arriving on one loopback address. */
    private static final class Receiver implements AutoCloseable {
        final AtomicInteger packets = new AtomicInteger();
        private final DatagramSocket socket;
        private final Thread reader;

        Receiver(String address) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            socket.setSoTimeout(100);
            reader = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        socket.receive(new DatagramPacket(buf, buf.length));
                        packets.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // poll for close
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "receiver-" + address);
            reader.setDaemon(true);
            reader.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            reader.join(1000);
        }
    }
}
