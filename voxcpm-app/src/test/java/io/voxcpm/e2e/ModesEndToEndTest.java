package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.CacheConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.Recording;
import io.voxcpm.voice.VoiceRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every VoxCPM2 mode reached from MRCP headers and SSML, through the whole server and two REAL Python
 * workers ({@code --model standin}, as in {@link WorkerEndToEndTest}) with voices from a real registry.
 * The mode is read where it matters: each worker logs {@code [<request_tag>] <mode> on instance N}, and the
 * server tags every request with its session id, so each SPEAK's mode is checked at the model's side.
 */
class ModesEndToEndTest {

    private static final String NS = "xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            + "xmlns:vx=\"urn:voxcpm-mrcp:ssml:1\"";

    @TempDir
    static Path voices;
    private static final StandInWorkers workers = new StandInWorkers();
    private static VoxcpmMrcpServer server;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(StandInWorkers.runnable(), StandInWorkers.MISSING);
        VoiceRegistry registry = VoiceRegistry.open(voices);
        registry.add("narrator", new NewVoice.Design("A calm, mature male voice", null, "test"));
        registry.add("acme-brand", new NewVoice.Clone(Recording.fromWav(toneWav(16000, 2.0), "test"),
                "Welcome to Acme.", null, "Jane Doe, signed release", null, "test"));
        for (int i = 0; i < 2; i++) {
            workers.start(0.01);
        }
        server = VoxcpmMrcpServer.start(ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(new MrcpConfig(0, 600, 3000))
                .withRtp(new RtpConfig(34000, 34998, 20))
                .withSynth(new SynthConfig(50, 50, false, 4))
                .withEngine(new EngineConfig("worker", null, workers.addresses(), null, null))
                .withCache(new CacheConfig(false, voices.resolve("cache").toString(), 16))
                .withVoices(new VoicesConfig(voices.toString())));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        workers.close();
    }

    static List<Arguments> requests() {
        return List.of(
                Arguments.of("no voice", Map.of(), "text/plain", "Hello from the model.", "zero-shot"),
                Arguments.of("registered design voice", Map.of("Voice-Name", "narrator"), "text/plain",
                        "Hello from the narrator.", "design"),
                Arguments.of("registered clone voice with transcript", Map.of("Voice-Name", "acme-brand"),
                        "text/plain", "Welcome to Acme.", "ultimate-clone"),
                Arguments.of("gender and age only", Map.of("Voice-Gender", "female", "Voice-Age", "30"),
                        "text/plain", "Hello from a designed voice.", "design"),
                Arguments.of("SSML vx:design", Map.of(), "application/ssml+xml", "<speak version=\"1.1\" " + NS
                        + "><voice vx:design=\"A young woman, gentle and sweet voice\">Hello.</voice></speak>",
                        "design"),
                Arguments.of("SSML clone voice with a style", Map.of(), "application/ssml+xml",
                        "<speak version=\"1.1\" " + NS + "><voice name=\"acme-brand\" vx:design=\"cheerful\">"
                                + "Hello.</voice></speak>", "clone"),
                Arguments.of("FreeSWITCH vendor voice and parameters",
                        Map.of("Vendor-Specific-Parameters", "voice=narrator;cfg-value=2.5;inference_timesteps=8"),
                        "text/plain", "Hello again.", "design"));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("requests")
    void eachModeReachesTheModel(String what, Map<String, String> headers, String type, String body, String mode)
            throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            String tag = pbx.channelId().substring(0, pbx.channelId().indexOf('@'));
            UniMrcpClientSim.MrcpMessage response = Pbx.speak(pbx, 1, headers, type, body);
            assertThat(response.startLine()).as(String.valueOf(response.header("Completion-Reason")))
                    .endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
            assertThat(complete.header("Completion-Cause")).as(String.valueOf(complete.header("Completion-Reason")))
                    .isEqualTo("000 normal");
            assertThat(pbx.rtpPackets()).isNotEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.log().contains("[" + tag + "] "));
            String seen = workers.log().lines()
                    .filter(l -> l.contains("[" + tag + "] ") && l.contains(" on instance")).findFirst().orElse("");
            System.out.printf("%s: %s%n", what, seen.substring(seen.indexOf('[')));
            assertThat(seen).as("the worker's log of session " + tag).contains("[" + tag + "] " + mode + " on instance");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void ultimateCloneWithAStyleFailsBeforeAnyAudio() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            String tag = pbx.channelId().substring(0, pbx.channelId().indexOf('@'));
            UniMrcpClientSim.MrcpMessage answer = Pbx.speak(pbx, 1, Map.of(), "application/ssml+xml",
                    "<speak version=\"1.1\" " + NS + "><voice name=\"acme-brand\" vx:design=\"cheerful\" "
                            + "vx:mode=\"ultimate_clone\">Hello.</voice></speak>");
            assertThat(answer.startLine()).as("answered before it is planned").endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage refused = Pbx.next(pbx);
            assertThat(refused.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
            assertThat(refused.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(refused.header("Completion-Reason")).contains("ultimate_clone", "style description");
            Thread.sleep(200); // real time: a packet of a refused SPEAK could only show as one arriving late
            assertThat(pbx.rtpPackets()).isEmpty();
            assertThat(workers.log()).as("nothing reached a worker").doesNotContain("[" + tag + "]");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** A 16-bit mono WAV of an amplitude-modulated two-tone signal: loud enough, never clipped. */
    static byte[] toneWav(int rate, double seconds) {
        int n = (int) (rate * seconds);
        ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            double v = (0.3 * Math.sin(2 * Math.PI * 210 * t) + 0.1 * Math.sin(2 * Math.PI * 630 * t))
                    * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t));
            pcm.putShort((short) Math.round(v * 32767));
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + n * 2)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(n * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(pcm.array());
        return out.toByteArray();
    }
}
