package io.voxcpm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.server.ServerConfig;
import io.voxcpm.server.CacheConfig;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.RtpConfig;
import io.voxcpm.server.SipEndpointConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSML through the whole server with the real embedded engine: one SPEAK with two voices and a break is
 * one audio stream with the break's silence in it, say-as and friends speak, marks arrive when their audio
 * plays, and an unknown voice is refused before any audio, or spoken in the default voice when
 * {@code synth.unknown-voice: default}.
 */
class SsmlEndToEndTest {

    private static final String NS = "xmlns=\"http://www.w3.org/2001/10/synthesis\"";
    /** 10 ms windows at 8 kHz; a window is silent below this RMS (MaryTTS speech is far above, µ-law 0 is 0). */
    private static final int WINDOW = 80;
    private static final double SILENT_DBFS = -55.0;

    @TempDir
    static Path voices;
    @TempDir
    static Path lenientVoices;
    private static VoxcpmMrcpServer strict;
    private static VoxcpmMrcpServer lenient;

    @BeforeAll
    static void start() throws Exception {
        strict = VoxcpmMrcpServer.start(config(33000, voices, "reject"));
        lenient = VoxcpmMrcpServer.start(config(33500, lenientVoices, "default"));
    }

    private static ServerConfig config(int rtpBase, Path dir, String unknownVoice) {
        return ServerConfig.DEFAULTS
                .withSip(new SipEndpointConfig("127.0.0.1", 0, null, 100))
                .withMrcp(new MrcpConfig(0, 600, 3000))
                .withRtp(new RtpConfig(rtpBase, rtpBase + 498, 20))
                .withSynth(new SynthConfig(100, 50, false, 4).withUnknownVoice(unknownVoice))
                .withEngine(new EngineConfig("embedded", 2, null, null, null))
                .withCache(new CacheConfig(false, dir.resolve("cache").toString(), 16))
                .withVoices(new VoicesConfig(dir.toString()));
    }

    @AfterAll
    static void stop() {
        for (VoxcpmMrcpServer s : new VoxcpmMrcpServer[] {strict, lenient}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void twoVoicesAndABreakAreOneSpeakWithTheBreaksSilenceBetweenThem() throws Exception {
        String withoutBreak = "<speak version=\"1.1\" " + NS + " xml:lang=\"en-US\">"
                + "<voice gender=\"female\">Hello there.</voice><voice gender=\"male\">Goodbye now.</voice></speak>";
        String withBreak = withoutBreak.replace("</voice><voice", "</voice><break time=\"500ms\"/><voice");
        try (UniMrcpClientSim pbx = Pbx.call(strict)) {
            short[] plain = speakAndDecode(pbx, 1, Map.of(), withoutBreak);
            short[] broken = speakAndDecode(pbx, 2, Map.of(), withBreak);
            double gapWithout = longestInnerSilenceSeconds(plain);
            double gapWith = longestInnerSilenceSeconds(broken);
            System.out.printf("inner silence without <break>: %.3f s, with <break time=500ms>: %.3f s%n",
                    gapWithout, gapWith);
            assertThat(gapWith - gapWithout).as("the break adds its 500 ms between the voices")
                    .isCloseTo(0.5, within(0.06));
            assertThat((broken.length - plain.length) / 8000.0).isCloseTo(0.5, within(0.06));
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void sayAsSubProsodyAndAudioFallbackSpeak() throws Exception {
        String ssml = "<speak version=\"1.1\" " + NS + " xml:lang=\"en-US\">Your code is "
                + "<say-as interpret-as=\"digits\">4711</say-as>. Call <say-as interpret-as=\"telephone\">"
                + "555-0100</say-as> by <say-as interpret-as=\"date\" format=\"mdy\">12/24/2026</say-as>, it costs "
                + "<say-as interpret-as=\"currency\">$12.50</say-as>. <sub alias=\"World Wide Web\">WWW</sub> "
                + "<prosody rate=\"slow\" volume=\"loud\">slowly</prosody> <emphasis>now</emphasis> "
                + "<unknown-element>kept</unknown-element>"
                + "<audio src=\"prompt:beep\">beep</audio></speak>";
        try (UniMrcpClientSim pbx = Pbx.call(strict)) {
            short[] pcm = speakAndDecode(pbx, 1, Map.of(), ssml);
            assertThat(pcm.length / 8000.0).as("all of it spoken").isGreaterThan(3.0);

            UniMrcpClientSim.MrcpMessage noPrompt = failedAfterAnswer(pbx, 2, Map.of(), "application/ssml+xml",
                    "<speak version=\"1.1\" " + NS + ">Listen <audio src=\"prompt:beep\"/></speak>");
            assertThat(noPrompt.header("Completion-Cause")).isEqualTo("003 uri-failure");
            assertThat(noPrompt.header("Completion-Reason")).contains("beep");
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void aMarkIsReportedWhenItsAudioPlaysNotWhenItIsGenerated() throws Exception {
        String first = "Hello there, this is the first part.";
        String ssml = "<speak version=\"1.1\" " + NS + " xml:lang=\"en-US\">" + first
                + "<mark name=\"gap\"/><break time=\"1s\"/>And this is the second part.</speak>";
        double markSeconds = engineSeconds(first); // the mark's sample offset: the first sentence's audio
        try (UniMrcpClientSim pbx = Pbx.call(strict)) {
            pbx.sendMrcp("SPEAK", 1, Map.of("Vendor-Specific-Parameters", "speech-markers=true"),
                    "application/ssml+xml", ssml);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 1 200 IN-PROGRESS");
            UniMrcpClientSim.MrcpMessage marker = pbx.readMrcp(Duration.ofSeconds(30));
            long markerArrival = System.nanoTime();
            assertThat(marker.startLine()).endsWith("SPEECH-MARKER 1 IN-PROGRESS");
            assertThat(marker.header("Speech-Marker")).matches("timestamp=\\d+;gap");
            UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(30));
            assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
            assertThat(complete.header("Speech-Marker")).endsWith(";gap");

            List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
            int markPacket = (int) (markSeconds / 0.020);
            double skewMs = (markerArrival - packets.get(markPacket).arrivalNanos()) / 1e6;
            System.out.printf("mark at %.3f s; SPEECH-MARKER vs the RTP packet holding it: %+.0f ms%n", markSeconds,
                    skewMs);
            assertThat(skewMs).as("reported with the audio, not when generated (the engine is far ahead)")
                    .isBetween(-60.0, 100.0);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** Seconds of audio the embedded engine makes for one sentence (MaryTTS is deterministic). */
    private static double engineSeconds(String text) throws Exception {
        try (EmbeddedEngine engine = new EmbeddedEngine(1)) {
            AtomicLong samples = new AtomicLong();
            CompletableFuture<Void> done = new CompletableFuture<>();
            engine.synthesize(new SynthesisRequest(text, "en-US", VoiceSpec.DEFAULT, null, null), new AudioSink() {
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
    }

    /**
     * A SPEAK is answered before it is planned (so no response waits behind planning): what planning finds
     * wrong comes as IN-PROGRESS and then SPEAK-COMPLETE with the cause, before any audio.
     */
    private static UniMrcpClientSim.MrcpMessage failedAfterAnswer(UniMrcpClientSim pbx, long id,
            Map<String, String> headers, String type, String body) throws IOException {
        UniMrcpClientSim.MrcpMessage answer = Pbx.speak(pbx, id, headers, type, body);
        assertThat(answer.startLine()).endsWith(" " + id + " 200 IN-PROGRESS");
        UniMrcpClientSim.MrcpMessage complete = Pbx.next(pbx);
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE " + id + " COMPLETE");
        return complete;
    }

    @Test
    void anUnknownVoiceIsAnsweredThenFailsBeforeAnyAudioOrIsSpokenInTheDefaultVoiceWhenConfigured() throws Exception {
        try (UniMrcpClientSim pbx = Pbx.call(strict)) {
            UniMrcpClientSim.MrcpMessage refused = failedAfterAnswer(pbx, 1, Map.of("Voice-Name", "acme"),
                    "text/plain", "Welcome to Acme.");
            assertThat(refused.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(refused.header("Completion-Reason")).contains("'acme'", "voxcpm-mrcp voices add", "'default'");
            UniMrcpClientSim.MrcpMessage inSsml = failedAfterAnswer(pbx, 2, Map.of(), "application/ssml+xml",
                    "<speak version=\"1.1\" " + NS + "><voice name=\"acme\">Hi</voice></speak>");
            assertThat(inSsml.header("Completion-Cause")).isEqualTo("004 error");
            UniMrcpClientSim.MrcpMessage badParameter = failedAfterAnswer(pbx, 3,
                    Map.of("Vendor-Specific-Parameters", "cfg_value=99"), "text/plain", "Hi");
            assertThat(badParameter.header("Completion-Cause")).isEqualTo("004 error");
            assertThat(badParameter.header("Completion-Reason")).contains("cfg_value", "99");
            UniMrcpClientSim.MrcpMessage broken = Pbx.speak(pbx, 4, Map.of(), "application/ssml+xml",
                    "<speak version=\"1.1\" " + NS + ">a <break time=\"soon\"/></speak>");
            assertThat(broken.startLine()).as("markup is read before the answer").endsWith(" 4 407 COMPLETE");
            assertThat(broken.header("Completion-Cause")).isEqualTo("002 parse-failure");
            Thread.sleep(200); // real time: a packet of a refused SPEAK could only show as one arriving late
            assertThat(pbx.rtpPackets()).as("refused before any audio").isEmpty();
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
        try (UniMrcpClientSim pbx = Pbx.call(lenient)) {
            short[] pcm = speakAndDecode(pbx, 1, Map.of("Voice-Name", "acme"), "<speak version=\"1.1\" " + NS
                    + ">Welcome to Acme.</speak>");
            assertThat(pcm.length / 8000.0).isGreaterThan(0.5);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    @Test
    void aDefinedLexiconChangesTheAudioOfTheWordsItDefines() throws Exception {
        String ssml = "<speak version=\"1.1\" " + NS + " xml:lang=\"en-US\">Welcome to Acme.</speak>";
        String pls = "<?xml version=\"1.0\"?><lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/"
                + "pronunciation-lexicon\" alphabet=\"ipa\" xml:lang=\"en-US\"><lexeme><grapheme>Acme</grapheme>"
                + "<alias>the Anvil Corporation of America</alias></lexeme></lexicon>";
        try (UniMrcpClientSim pbx = Pbx.call(strict)) {
            short[] before = speakAndDecode(pbx, 1, Map.of(), ssml);
            pbx.sendMrcp("DEFINE-LEXICON", 2, Map.of("Content-Id", "brands"), "application/pls+xml", pls);
            assertThat(pbx.readMrcp(Duration.ofSeconds(5)).startLine()).endsWith(" 2 200 COMPLETE");
            short[] after = speakAndDecode(pbx, 3, Map.of("Lexicon-Search-Order", "<session:brands>"), ssml);
            short[] again = speakAndDecode(pbx, 4, Map.of(), ssml);
            System.out.printf("Welcome to Acme: %.2f s; with the lexicon: %.2f s%n", before.length / 8000.0,
                    after.length / 8000.0);
            assertThat((after.length - before.length) / 8000.0).as("the alias is spoken: four more words")
                    .isGreaterThan(0.6);
            assertThat(Math.abs(again.length - after.length)).as("a defined lexicon applies to every SPEAK of the "
                    + "session").isLessThanOrEqualTo(160);
            assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        }
    }

    /** SPEAKs, waits for 000 and returns the µ-law audio of this SPEAK decoded. */
    private static short[] speakAndDecode(UniMrcpClientSim pbx, long id, Map<String, String> headers, String ssml)
            throws Exception {
        int before = pbx.rtpPackets().size();
        UniMrcpClientSim.MrcpMessage response = Pbx.speak(pbx, id, headers, "application/ssml+xml", ssml);
        assertThat(response.startLine()).as(response.header("Completion-Reason")).endsWith(" " + id + " 200 IN-PROGRESS");
        UniMrcpClientSim.MrcpMessage complete = pbx.readMrcp(Duration.ofSeconds(60));
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE " + id + " COMPLETE");
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
        return ReceivedAudio.decode(all.subList(before, all.size()), "PCMU");
    }

    private static double longestInnerSilenceSeconds(short[] pcm) {
        int[] run = longestInnerSilence(pcm);
        return run[1] * WINDOW / 8000.0;
    }

    /** {first window, windows} of the longest silent run that has sound on both sides. */
    private static int[] longestInnerSilence(short[] pcm) {
        int windows = pcm.length / WINDOW;
        boolean[] silent = new boolean[windows];
        for (int w = 0; w < windows; w++) {
            double sum = 0;
            for (int i = w * WINDOW; i < (w + 1) * WINDOW; i++) {
                sum += (double) pcm[i] * pcm[i];
            }
            double rms = Math.sqrt(sum / WINDOW) / 32768.0;
            silent[w] = rms == 0 || 20 * Math.log10(rms) < SILENT_DBFS;
        }
        int best = 0;
        int bestStart = -1;
        int w = 0;
        while (w < windows) {
            if (!silent[w]) {
                w++;
                continue;
            }
            int start = w;
            while (w < windows && silent[w]) {
                w++;
            }
            if (start > 0 && w < windows && w - start > best) {
                best = w - start;
                bestStart = start;
            }
        }
        assertThat(bestStart).as("a silence with sound on both sides").isNotNegative();
        return new int[] {bestStart, best};
    }
}
