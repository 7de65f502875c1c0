package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plays the PBX against the whole server on loopback: the literal UniMRCP INVITE offer over UDP, the
 * MRCP connection, SPEAK, and the RTP it receives, decoded and measured. The embedded engine is real.
 */
class SpeakEndToEndTest {

    private static final String TEXT = "Welcome to the speech server. Press one for sales.";
    private static final int PLAYOUT_MARGIN_MS = 200;

    private static VoxcpmMrcpServer server;
    private static EmbeddedEngine engine;

    @BeforeAll
    static void startServer() throws Exception {
        engine = new EmbeddedEngine(2);
        ServerConfig config = ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(new MrcpConfig(0, 600, 3000))
                .withRtp(new RtpConfig(31000, 31998, 20))
                .withSynth(new SynthConfig(PLAYOUT_MARGIN_MS, 50, false, 4));
        server = VoxcpmMrcpServer.start(config, engine);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static List<Arguments> codecs() {
        return List.of(
                Arguments.of("0 8 96", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 L16/8000\r\n",
                        0, "PCMU", 8000),
                Arguments.of("8", "a=rtpmap:8 PCMA/8000\r\n", 8, "PCMA", 8000),
                Arguments.of("96 0", "a=rtpmap:96 L16/8000\r\na=rtpmap:0 PCMU/8000\r\n", 96, "L16", 8000),
                Arguments.of("97 0", "a=rtpmap:97 L16/16000\r\na=rtpmap:0 PCMU/8000\r\n", 97, "L16", 16000),
                // 16 kHz audio on an 8000 Hz RTP clock: 160 timestamp units and 160 octets per 20 ms
                Arguments.of("9 0", "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\n", 9, "G722", 8000));
    }

    @ParameterizedTest(name = "{3}/{4}")
    @MethodSource("codecs")
    void speaksPlainTextAndSsmlOverEachCodec(String formats, String rtpmaps, int pt, String codec, int rate)
            throws Exception {
        if (codec.equals("G722")) {
            assumeTrue(Files.isExecutable(ReceivedAudio.FFMPEG),
                    "ffmpeg not installed (apt-get install ffmpeg): no G.722 decoder to check the audio with");
        }
        int audioRate = codec.equals("G722") ? 16000 : rate;
        double engineSeconds = engineAudioSeconds(TEXT);
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            String response = pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), formats, rtpmaps));
            assertThat(response).startsWith("SIP/2.0 200");
            assertThat(pbx.answerAttribute("^m=audio \\d+ RTP/AVP (\\d+)\\s*$")).isEqualTo(String.valueOf(pt));
            assertThat(pbx.answerAttribute("^a=rtpmap:" + pt + " (\\S+)")).isEqualTo(codec + "/" + rate);
            assertThat(pbx.answer()).contains("a=setup:passive", "a=connection:new", "a=sendonly", "a=cmid:1",
                    "a=mid:1");
            assertThat(pbx.channelId()).matches("[0-9a-f]{16}@speechsynth");

            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 1, Map.of("Voice-Name", "default", "Speech-Language", "en-US"),
                    "text/plain", TEXT);
            UniMrcpClientSim.MrcpMessage inProgress = pbx.readMrcp(Duration.ofSeconds(5));
            assertThat(inProgress.startLine()).matches("MRCP/2\\.0 \\d+ 1 200 IN-PROGRESS");
            assertThat(inProgress.header("Channel-Identifier")).isEqualTo(pbx.channelId());

            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(60));
            long completeArrival = System.nanoTime();
            assertThat(complete.startLine()).matches("MRCP/2\\.0 \\d+ SPEAK-COMPLETE 1 COMPLETE");
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(complete.header("Channel-Identifier")).isEqualTo(pbx.channelId());

            List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
            int samplesPerFrame = rate / 50;
            int frameBytes = codec.equals("L16") ? samplesPerFrame * 2 : samplesPerFrame;
            ReceivedAudio.assertPacedStream("the embedded engine", packets, pt, samplesPerFrame, frameBytes);
            // the last packet had time to play out before the client heard it was the end
            long lastArrival = packets.get(packets.size() - 1).arrivalNanos();
            assertThat(TimeUnit.NANOSECONDS.toMillis(completeArrival - lastArrival))
                    .isGreaterThanOrEqualTo(PLAYOUT_MARGIN_MS - 30);

            short[] pcm = ReceivedAudio.decode(packets, codec);
            double seconds = pcm.length / (double) audioRate;
            assertThat(seconds).as("received audio vs the engine's own audio").isCloseTo(engineSeconds, within(0.1));
            assertThat(ReceivedAudio.rmsDbfs(pcm)).as("speech energy").isGreaterThan(-35.0);

            int before = packets.size();
            pbx.sendMrcp("SPEAK", 2, Map.of(), "application/ssml+xml",
                    "<?xml version=\"1.0\"?><speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\""
                            + " xml:lang=\"en-US\">Thank you. <break time=\"300ms\"/> Goodbye.</speak>");
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage second = pbx.readMrcp(Duration.ofSeconds(60));
            assertThat(second.startLine()).endsWith("SPEAK-COMPLETE 2 COMPLETE");
            assertThat(second.header("Completion-Cause")).isEqualTo("000 normal");
            List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
            UniMrcpClientSim.RtpPacket firstOfSecond = all.get(before);
            assertThat(firstOfSecond.marker()).as("marker on the first packet of every SPEAK").isTrue();
            assertThat(firstOfSecond.ssrc()).isEqualTo(all.get(0).ssrc());
            assertThat(firstOfSecond.sequence()).isEqualTo((all.get(before - 1).sequence() + 1) & 0xFFFF);
            long elapsedSamples = TimeUnit.NANOSECONDS.toMicros(firstOfSecond.arrivalNanos()
                    - all.get(before - 1).arrivalNanos()) * rate / 1_000_000;
            long tsStep = (firstOfSecond.timestamp() - all.get(before - 1).timestamp()) & 0xFFFFFFFFL;
            assertThat((double) tsStep).as("timestamps follow the clock through the silence between SPEAKs")
                    .isCloseTo(elapsedSamples, within(rate * 0.1));
            short[] secondPcm = ReceivedAudio.decode(all.subList(before, all.size()), codec);
            assertThat(ReceivedAudio.rmsDbfs(secondPcm)).isGreaterThan(-35.0);

            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    void stopEndsAudioAndAnswersWithTheStoppedRequest() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", "a=rtpmap:0 PCMU/8000\r\n")))
                    .startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            pbx.sendMrcp("SPEAK", 7, Map.of(), "text/plain", TEXT + " " + TEXT + " " + TEXT);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 7 200 IN-PROGRESS");
            await().atMost(Duration.ofSeconds(30)).until(() -> pbx.rtpPackets().size() >= 10);

            pbx.sendMrcp("STOP", 8, Map.of(), null, null);
            UniMrcpClientSim.MrcpMessage stopped = pbx.readMrcp(Duration.ofSeconds(5));
            assertThat(stopped.startLine()).endsWith(" 8 200 COMPLETE");
            assertThat(stopped.header("Active-Request-Id-List")).isEqualTo("7");
            int atStop = pbx.rtpPackets().size();

            Thread.sleep(500); // real time: 25 ticks in which a stopped stream would still send
            assertThat(pbx.rtpPackets().size()).as("audio stops after STOP").isLessThanOrEqualTo(atStop + 1);
            // no SPEAK-COMPLETE for a stopped SPEAK: the next message is the answer to the next request
            pbx.sendMrcp("STOP", 9, Map.of(), null, null);
            UniMrcpClientSim.MrcpMessage idleStop = pbx.readMrcp(Duration.ofSeconds(5));
            assertThat(idleStop.startLine()).endsWith(" 9 200 COMPLETE");
            assertThat(idleStop.header("Active-Request-Id-List")).isNull();
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void unknownChannelGetsAnErrorAndOtherSessionsCarryOn() throws Exception {
        try (UniMrcpClientSim pbx = new UniMrcpClientSim(sipAddress())) {
            assertThat(pbx.invite(UniMrcpClientSim.freeswitchOffer(pbx.rtpPort(), "0", "a=rtpmap:0 PCMU/8000\r\n")))
                    .startsWith("SIP/2.0 200");
            pbx.connectMrcp();
            String real = pbx.channelId();
            try (UniMrcpClientSim other = new UniMrcpClientSim(sipAddress())) {
                other.invite(UniMrcpClientSim.freeswitchOffer(other.rtpPort(), "0", "a=rtpmap:0 PCMU/8000\r\n"));
                assertThat(other.sendBye()).startsWith("SIP/2.0 200");
            }
            pbx.sendMrcp("SPEAK", 1, Map.of(), "application/ssml+xml", "<speak>unclosed");
            UniMrcpClientSim.MrcpMessage rejected = pbx.readMrcp(Duration.ofSeconds(5));
            assertThat(rejected.startLine()).matches("MRCP/2\\.0 \\d+ 1 4\\d\\d COMPLETE");
            assertThat(rejected.header("Completion-Cause")).isEqualTo("002 parse-failure");
            assertThat(pbx.channelId()).isEqualTo(real);
            pbx.sendMrcp("SPEAK", 2, Map.of(), "text/plain", "Still here.");
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 IN-PROGRESS");
            assertThat(pbx.readMrcp(Duration.ofSeconds(30)).header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** The duration of what the engine itself produces for a text, to compare the received audio with. */
    private static double engineAudioSeconds(String text) throws Exception {
        AtomicLong samples = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.synthesize(SynthesisRequest.of(text), new AudioSink() {
            @Override
            public void onAudio(short[] chunk) {
                samples.addAndGet(chunk.length);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }

            @Override
            public void onError(SynthesisException error) {
                done.completeExceptionally(error);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        return samples.get() / (double) engine.sampleRate();
    }

    private static InetSocketAddress sipAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.sipPort());
    }
}
