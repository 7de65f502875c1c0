package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt spoken once is kept encoded for the wire: later SPEAKs of it, from any number of sessions at
 * once, play the same frames without the engine, the disk cache or the resampler, and the caller hears
 * exactly what the first caller heard.
 */
class FrameTierEndToEndTest {

    private static final String PROMPT = "Thank you for calling, please hold [[seconds=1.2 speed=20]]";
    private static final String PCMU = "a=rtpmap:0 PCMU/8000\r\n";

    @TempDir
    Path dir;

    private ScriptedStandInEngine model;
    private CachingEngine engine;
    private VoxcpmMrcpServer server;
    private final List<UniMrcpClientSim> pbxs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        model = new ScriptedStandInEngine();
        startServer();
    }

    /** A server over the prompt cache in {@link #dir}: a second one is a restart, its frame tier empty. */
    private void startServer() throws Exception {
        engine = new CachingEngine(model, PromptCache.open(dir.resolve("cache"), 64 << 20), "test");
        ServerConfig config = ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(new MrcpConfig(0, 600, 3000))
                .withRtp(new RtpConfig(33000, 33998, 20))
                .withSynth(new SynthConfig(100, 50, false, 4))
                .withVoices(new VoicesConfig(dir.resolve("voices").toString()));
        server = VoxcpmMrcpServer.start(config, engine);
    }

    @AfterEach
    void stop() throws Exception {
        for (UniMrcpClientSim pbx : pbxs) {
            pbx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private UniMrcpClientSim session() throws Exception {
        UniMrcpClientSim pbx = new UniMrcpClientSim(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.sipPort()));
        pbxs.add(pbx);
        assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", PCMU))).startsWith("SIP/2.0 200");
        pbx.connectMrcp();
        return pbx;
    }

    private static void speak(UniMrcpClientSim pbx, long requestId, String text) throws Exception {
        pbx.sendMrcp("SPEAK", requestId, Map.of("Speech-Language", "en-US"), "text/plain", text);
        assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" " + requestId + " 200 IN-PROGRESS");
    }

    private static void awaitComplete(UniMrcpClientSim pbx, long requestId) throws Exception {
        UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE " + requestId + " COMPLETE");
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
    }

    private static List<byte[]> payloads(List<UniMrcpClientSim.RtpPacket> packets) {
        return packets.stream().map(UniMrcpClientSim.RtpPacket::payload).toList();
    }

    private FrameTier.Stats tier() {
        return server.stores().frameTierStats().orElseThrow();
    }

    @Test
    void sessionsSpeakingAStoredPromptShareItsFramesAndNeverReachTheEngineOrTheDisk() throws Exception {
        UniMrcpClientSim first = session();
        speak(first, 1, PROMPT);
        awaitComplete(first, 1);
        List<UniMrcpClientSim.RtpPacket> heard = first.rtpPackets();
        assertThat(model.requests()).hasSize(1);
        assertThat(tier().entries()).as("encoded once, kept").isEqualTo(1);
        await().until(() -> engine.cache().stats().stores() == 1);
        long diskHits = engine.cache().stats().hits();

        List<UniMrcpClientSim> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(session());
        }
        for (UniMrcpClientSim pbx : many) {
            speak(pbx, 7, PROMPT);
        }
        for (UniMrcpClientSim pbx : many) {
            awaitComplete(pbx, 7);
        }

        assertThat(model.requests()).as("the engine is not asked again").hasSize(1);
        assertThat(engine.cache().stats().hits()).as("no disk read, so no PCM to resample").isEqualTo(diskHits);
        assertThat(tier().hits()).isEqualTo(5);
        assertThat(tier().entries()).as("one frame set for all of them").isEqualTo(1);
        for (UniMrcpClientSim pbx : many) {
            List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
            assertThat(payloads(packets)).as("what the first caller heard, frame for frame")
                    .containsExactlyElementsOf(payloads(heard));
            ReceivedAudio.assertPacedStream("stored frames", packets, 0, 160, 160);
            assertThat(packets.get(0).marker()).isTrue();
        }
    }

    @Test
    void afterARestartSessionsStartingAPromptTogetherShareOneReadOfItFromTheDisk() throws Exception {
        UniMrcpClientSim first = session();
        speak(first, 1, PROMPT);
        awaitComplete(first, 1);
        List<byte[]> heard = payloads(first.rtpPackets());
        await().until(() -> engine.cache().stats().stores() == 1);
        first.close();
        server.close();
        startServer(); // the prompt is on disk, not in memory

        List<UniMrcpClientSim> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(session());
        }
        for (UniMrcpClientSim pbx : many) {
            pbx.sendMrcp("SPEAK", 2, Map.of("Speech-Language", "en-US"), "text/plain", PROMPT);
        }
        for (UniMrcpClientSim pbx : many) {
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            awaitComplete(pbx, 2);
        }

        assertThat(model.requests()).as("no synthesis after the restart").hasSize(1);
        assertThat(engine.cache().stats().hits()).as("one session read and encoded it, the others waited").isEqualTo(1);
        assertThat(tier().entries()).isEqualTo(1);
        for (UniMrcpClientSim pbx : many) {
            assertThat(payloads(pbx.rtpPackets())).containsExactlyElementsOf(heard);
        }
    }

    @Test
    void aStoredPromptCanBeRestartedAndAnotherCodecIsEncodedOnceFromTheDisk() throws Exception {
        UniMrcpClientSim first = session();
        speak(first, 1, PROMPT);
        awaitComplete(first, 1);
        List<byte[]> heard = payloads(first.rtpPackets());

        UniMrcpClientSim again = session();
        speak(again, 2, PROMPT);
        await().atMost(Duration.ofSeconds(5)).until(() -> again.rtpPackets().size() >= 3); // restarted mid-prompt
        again.sendMrcp("CONTROL", 3, Map.of("Speak-Restart", "true"), null, "");
        UniMrcpClientSim.MrcpMessage restarted = again.readMrcp(Duration.ofSeconds(5));
        assertThat(restarted.startLine()).endsWith(" 3 200 COMPLETE");
        assertThat(restarted.header("Speak-Restart")).isEqualTo("true");
        awaitComplete(again, 2);
        List<UniMrcpClientSim.RtpPacket> packets = again.rtpPackets();
        int restart = 0;
        for (int i = 1; i < packets.size(); i++) {
            if (packets.get(i).marker()) {
                restart = i;
            }
        }
        assertThat(restart).as("a new talkspurt after the restart").isPositive();
        assertThat(payloads(packets.subList(restart, packets.size()))).containsExactlyElementsOf(heard);

        UniMrcpClientSim alaw = new UniMrcpClientSim(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.sipPort()));
        pbxs.add(alaw);
        assertThat(alaw.invite(UniMrcpClientSim.freeswitchOffer(alaw.rtpPort(), "8", "a=rtpmap:8 PCMA/8000\r\n")))
                .startsWith("SIP/2.0 200");
        alaw.connectMrcp();
        speak(alaw, 1, PROMPT);
        awaitComplete(alaw, 1);
        assertThat(model.requests()).hasSize(1);
        assertThat(tier().entries()).as("one frame set per codec").isEqualTo(2);
        assertThat(alaw.rtpPackets()).hasSameSizeAs(heard);
    }
}
