package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.voxcpm.audio.LoudnessNormalizer;
import io.voxcpm.prompt.PromptStore;
import io.voxcpm.server.PromptsConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.voice.WavAudio;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded prompts inside SSML and level-matched live audio, through a real MRCP session: a
 * {@code prompt:} recording plays between synthesised sentences (its content is spoken when it is missing),
 * and prompts from stand-in engines and voices at very different levels, and the recording, all reach the
 * caller within 1 dB of the target.
 */
class PromptsEndToEndTest {

    private static final String SSML = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\">";
    private static final double TARGET_LUFS = -20;

    @TempDir
    static Path prompts;
    private static ScriptedStandInEngine engine;
    private static VoxcpmMrcpServer server;

    @BeforeAll
    static void start() throws Exception {
        PromptStore store = PromptStore.open(prompts);
        // a quiet 1 kHz chime recorded at 8 kHz, to tell it from the stand-in engine's 440 Hz in the audio
        store.add("chime", WavAudio.mono16(tone(8000, 1.0, -40, 1000), 8000), false);
        engine = new ScriptedStandInEngine();
        server = VoxcpmMrcpServer.start(Pbx.config(42000, new SynthConfig(100, 50, false, 4),
                new MrcpConfig(0, 600, 3000))
                .withPrompts(new PromptsConfig(prompts.toString(), TARGET_LUFS, 300)), engine);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPromptRecordingPlaysBetweenSynthesisedSentencesAndItsContentIsTheFallback() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            short[] pcm = speakAndDecode(pbx, 1, SSML + "<s>[[seconds=1 speed=20]] Before.</s>"
                    + "<audio src=\"prompt:chime\">never said</audio><s>[[seconds=1 speed=20]] After.</s></speak>");
            assertThat(pcm.length / 8000.0).as("1 s, the 1 s chime, 1 s").isCloseTo(3.0, within(0.1));
            assertThat(crossingsPerSecond(pcm, 0.2, 0.8)).as("speech").isCloseTo(880, within(40.0));
            assertThat(crossingsPerSecond(pcm, 1.2, 1.8)).as("the chime").isCloseTo(2000, within(60.0));
            assertThat(crossingsPerSecond(pcm, 2.2, 2.8)).as("speech").isCloseTo(880, within(40.0));
            assertThat(engine.requests()).noneMatch(r -> r.text().contains("never said"));

            short[] fallback = speakAndDecode(pbx, 2, SSML + "Hello <audio src=\"prompt:missing\">"
                    + "[[seconds=0.5 speed=20]] the fallback</audio></speak>");
            assertThat(engine.requests()).anyMatch(r -> r.text().contains("the fallback"));
            assertThat(fallback.length / 8000.0).isCloseTo(1.5, within(0.1));
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void streamedPromptsOfDifferentLevelsAndVoicesAndARecordingReachTheCallerAtTheTarget() throws Exception {
        List<String> bodies = List.of(
                "[[seconds=2.5 speed=20 peak-dbfs=-3]] a loud engine",
                "[[seconds=2.5 speed=20 peak-dbfs=-36]] a quiet engine",
                "<voice gender=\"female\">[[seconds=2.5 speed=20 peak-dbfs=-12]] one voice</voice>"
                        + "<voice gender=\"male\">[[seconds=2.5 speed=20 peak-dbfs=-28]] another voice</voice>",
                "<audio src=\"prompt:chime\"/>");
        try (UniMrcpClientSim pbx = Pbx.call(server)) {
            long id = 1;
            for (String body : bodies) {
                short[] pcm = speakAndDecode(pbx, id++, SSML + body + "</speak>");
                double lufs = LoudnessNormalizer.integratedLoudness(pcm, 8000);
                int peak = 0;
                for (short s : pcm) {
                    peak = Math.max(peak, Math.abs((int) s));
                }
                System.out.printf("%-60s %6.2f LUFS at the caller, peak %5.1f dBFS%n", body, lufs,
                        20 * Math.log10(peak / 32768.0));
                assertThat(lufs).as(body).isCloseTo(TARGET_LUFS, within(1.0));
                assertThat(peak).as("never clipping").isLessThan(32000);
            }
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    private static short[] speakAndDecode(UniMrcpClientSim pbx, long id, String ssml) throws Exception {
        int before = pbx.rtpPackets().size();
        UniMrcpClientSim.MrcpMessage response = Pbx.speak(pbx, id, Map.of(), "application/ssml+xml", ssml);
        assertThat(response.startLine()).as(response.header("Completion-Reason")).endsWith(" " + id + " 200 IN-PROGRESS");
        UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
        return ReceivedAudio.decode(all.subList(before, all.size()), "PCMU");
    }

    private static double crossingsPerSecond(short[] pcm, double fromS, double toS) {
        int from = (int) (fromS * 8000);
        int to = (int) (toS * 8000);
        int n = 0;
        for (int i = from + 1; i < to; i++) {
            if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
                n++;
            }
        }
        return n / (toS - fromS);
    }

    private static short[] tone(int rate, double seconds, double peakDbfs, double freq) {
        short[] s = new short[(int) (rate * seconds)];
        double a = 32767 * Math.pow(10, peakDbfs / 20);
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(a * Math.sin(2 * Math.PI * freq * i / rate));
        }
        return s;
    }
}
