package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.voxcpm.bridge.EndpointStatus;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.server.Engines;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.text.SentenceSplitter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server with {@code engine.kind: worker} in front of two REAL Python model workers
 * ({@code python3 -m voxcpm_worker --model standin}, processes on loopback), played from the PBX side
 * like {@link SpeakEndToEndTest}: what a caller hears must not depend on the engine, and a worker that
 * dies mid-SPEAK ends that SPEAK with 004 while the next one goes to the other worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerEndToEndTest {

    private static final String TEXT = "Welcome to the speech server. Press one for sales.";
    /**
     * One sentence (the server sends a sentence per request) of about 6 s, generated in about 2 s: the worker
     * killed while it plays is the one generating it, whenever the kill lands. Several short sentences left a race:
     * a kill at a sentence boundary hit a worker the SPEAK no longer used, and the SPEAK ended 000 on the other.
     */
    private static final String LONG_TEXT = "Welcome to the speech server, press one for sales, two for support,"
            + " three for billing, four for the operator, five to hear these options again, or stay on the line"
            + " and someone will be with you shortly";
    /** The stand-in's chunk: one 160 ms patch; it produces 3 + len/6 of them. */
    private static final double CHUNK_SECONDS = 0.16;
    private static final int PLAYOUT_MARGIN_MS = 200;

    private static final StandInWorkers workers = new StandInWorkers();
    private static VoxcpmMrcpServer server;
    private static WorkerEngine engine;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(StandInWorkers.runnable(), StandInWorkers.MISSING);
        // RTF 0.3, as on an NPU: generation stays ahead of playback, so the server holds queued audio.
        for (int i = 0; i < 2; i++) {
            workers.start(0.05);
        }
        ServerConfig config = ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(new MrcpConfig(0, 600, 3000))
                .withRtp(new RtpConfig(32000, 32998, 20))
                .withSynth(new SynthConfig(PLAYOUT_MARGIN_MS, 50, false, 4))
                .withEngine(new EngineConfig("worker", null, workers.addresses(), null, null));
        engine = (WorkerEngine) Engines.create(config.engine());
        server = VoxcpmMrcpServer.start(config, engine);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        workers.close();
    }

    @Test
    @Order(1)
    void speaksThroughTheWorkersAsWithTheEmbeddedEngine() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0 8",
                    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"))).startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 1, Map.of("Voice-Name", "default", "Speech-Language", "en-US"), "text/plain", TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).matches("MRCP/2\\.0 \\d+ 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
            long completeArrival = System.nanoTime();
            assertThat(complete.startLine()).matches("MRCP/2\\.0 \\d+ SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(complete.header("Channel-Identifier")).isEqualTo(pbx.channelId());

            List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
            ReceivedAudio.assertPacedStream("the worker engine", packets, 0, 160, 160);
            long lastArrival = packets.get(packets.size() - 1).arrivalNanos();
            assertThat(TimeUnit.NANOSECONDS.toMillis(completeArrival - lastArrival))
                    .isGreaterThanOrEqualTo(PLAYOUT_MARGIN_MS - 30);
            short[] pcm = ReceivedAudio.decode(packets, "PCMU");
            assertThat(pcm.length / 8000.0).as("received audio vs what the stand-in generates")
                    .isCloseTo(standInSeconds(TEXT), within(0.1));
            assertThat(ReceivedAudio.rmsDbfs(pcm)).as("speech energy").isGreaterThan(-35.0);

            int before = packets.size();
            pbx.sendMrcp("SPEAK", 2, Map.of(), "application/ssml+xml",
                    "<?xml version=\"1.0\"?><speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\""
                            + " xml:lang=\"en-US\">Thank you. Goodbye.</speak>");
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            assertThat(pbx.readMrcp(Duration.ofSeconds(30)).header("Completion-Cause")).isEqualTo("000 normal");
            List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
            UniMrcpClientSim.RtpPacket first = all.get(before);
            UniMrcpClientSim.RtpPacket last = all.get(before - 1);
            assertThat(first.marker()).as("marker on the first packet of every SPEAK").isTrue();
            assertThat(first.ssrc()).isEqualTo(all.get(0).ssrc());
            assertThat(first.sequence()).isEqualTo((last.sequence() + 1) & 0xFFFF);
            long elapsed = TimeUnit.NANOSECONDS.toMicros(first.arrivalNanos() - last.arrivalNanos()) * 8 / 1000;
            assertThat((double) ((first.timestamp() - last.timestamp()) & 0xFFFFFFFFL))
                    .as("timestamps follow the clock between SPEAKs").isCloseTo(elapsed, within(800.0));
            short[] secondPcm = ReceivedAudio.decode(all.subList(before, all.size()), "PCMU");
            assertThat(ReceivedAudio.rmsDbfs(secondPcm)).isGreaterThan(-35.0);
            assertThat(engine.endpoints()).allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero());
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    @Order(2)
    void workerKilledMidSpeakEndsItWith004AndTheNextSpeakGoesToTheOtherWorker() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", "a=rtpmap:0 PCMU/8000\r\n")))
                    .startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 1, Map.of(), "text/plain", LONG_TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 1 200 IN-PROGRESS");
            await().atMost(Duration.ofSeconds(10)).until(() -> pbx.rtpPackets().size() >= 25);
            assertThat(new SentenceSplitter().split(LONG_TEXT)).hasSize(1);
            EndpointStatus serving = engine.endpoints().stream().filter(s -> s.inFlight() == 1).findFirst()
                    .orElseThrow(() -> new AssertionError("no worker is generating: " + engine.endpoints()));
            String other = engine.endpoints().stream().map(EndpointStatus::address)
                    .filter(a -> !a.equals(serving.address())).findFirst().orElseThrow();
            long otherDispatched = dispatched(other);

            int packetsAtKill = pbx.rtpPackets().size();
            long killedAt = System.nanoTime();
            workers.kill(serving.address());
            UniMrcpClientSim.MrcpMessage ended = pbx.readMrcp(Duration.ofSeconds(10));
            double latencyMs = (System.nanoTime() - killedAt) / 1e6;
            int packetsAtEnd = pbx.rtpPackets().size();
            System.out.printf("worker kill -9 -> SPEAK-COMPLETE (%s): %.0f ms; %d RTP packets played after the kill"
                    + " (%d in all, of %.1f s)%n", ended.header("Completion-Cause"), latencyMs,
                    packetsAtEnd - packetsAtKill, packetsAtEnd, standInSeconds(LONG_TEXT));
            assertThat(ended.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(ended.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(latencyMs).as("the issue: a dead worker ends its SPEAK within a second").isLessThan(1000);
            assertThat(packetsAtEnd * 0.02).isLessThan(standInSeconds(LONG_TEXT));

            pbx.sendMrcp("SPEAK", 2, Map.of(), "text/plain", TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage next = pbx.readMrcp(Duration.ofSeconds(30));
            assertThat(next.startLine()).endsWith("SPEAK-COMPLETE 2 COMPLETE");
            assertThat(next.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(dispatched(other)).as("served by the surviving worker, a request per sentence")
                    .isEqualTo(otherDispatched + new SentenceSplitter().split(TEXT).size());
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    private static long dispatched(String address) {
        return engine.endpoints().stream().filter(s -> s.address().equals(address)).findFirst().orElseThrow()
                .dispatched();
    }

    /**
     * What the stand-in generates for a text: the server sends it a sentence at a time, and for each it makes
     * 3 chunks plus one per 6 characters, 160 ms each.
     */
    private static double standInSeconds(String text) {
        return new SentenceSplitter().split(text).stream().mapToInt(s -> 3 + s.length() / 6).sum() * CHUNK_SECONDS;
    }

    private static InetSocketAddress sipAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.sipPort());
    }
}
