package io.voxcpm.e2e;

import static io.voxcpm.e2e.Pbx.headers;
import static io.voxcpm.e2e.Pbx.next;
import static io.voxcpm.e2e.Pbx.send;
import static io.voxcpm.e2e.Pbx.speak;
import static io.voxcpm.e2e.Pbx.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.server.MrcpConfig;
import io.voxcpm.server.SynthConfig;
import io.voxcpm.server.VoicesConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.voice.NewVoice;
import io.voxcpm.voice.VoiceRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every synthesizer method and every completion cause, played by the PBX side over loopback with real bytes
 * against the whole server. The engine is the scripted stand-in, so failures and timings are exact.
 */
class SynthesizerMethodsTest {

    private static final int MARGIN_MS = 60;
    @TempDir
    static Path voices;
    private static ScriptedStandInEngine engine;
    private static VoxcpmMrcpServer server;
    private UniMrcpClientSim pbx;

    @BeforeAll
    static void start() throws Exception {
        engine = new ScriptedStandInEngine();
        VoiceRegistry registry = VoiceRegistry.open(voices);
        registry.add("anna", new NewVoice.Design("A calm German woman", null, "test"));
        registry.add("marie", new NewVoice.Design("A bright French woman", null, "test"));
        server = VoxcpmMrcpServer.start(Pbx.config(32000,
                new SynthConfig(MARGIN_MS, 50, false, 4), new MrcpConfig(0, 600, 3000))
                .withVoices(new VoicesConfig(voices.toString())), engine);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void call() throws Exception {
        pbx = Pbx.call(server);
    }

    @AfterEach
    void hangUp() throws Exception {
        assertThat(pbx.sendBye()).startsWith("SIP/2.0 200");
        pbx.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    void queuedSpeakAnswersPendingThenStartsWithoutAnyEvent() throws Exception {
        assertThat(speak(pbx, 1, "[[seconds=0.5]] one").startLine()).endsWith(" 1 200 IN-PROGRESS");
        assertThat(speak(pbx, 2, "[[seconds=0.5]] two").startLine()).endsWith(" 2 200 PENDING");
        UniMrcpClientSim.MrcpMessage first = next(pbx);
        assertThat(first.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
        assertThat(first.header("Completion-Cause")).isEqualTo("000 normal");
        int packetsOfFirst = pbx.rtpPackets().size();
        // no SPEECH-MARKER for the queued SPEAK's start: the very next message is its completion
        UniMrcpClientSim.MrcpMessage second = next(pbx);
        assertThat(second.startLine()).endsWith("SPEAK-COMPLETE 2 COMPLETE");
        assertThat(second.header("Completion-Cause")).isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
        // the queued SPEAK's first packets may arrive before its predecessor's SPEAK-COMPLETE is read here
        assertThat(packetsOfFirst).isBetween(24, 28);
        List<Integer> talkspurts = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).marker()) {
                talkspurts.add(i);
            }
        }
        assertThat(talkspurts).as("a new talkspurt for the queued SPEAK").hasSize(2).first().isEqualTo(0);
        assertThat(talkspurts.get(1)).isBetween(24, 26);
        assertThat(all.size() - talkspurts.get(1)).isBetween(24, 26);
    }

    @Test
    void stopWithAListStopsOnlyThoseAndWithoutOneStopsAll() throws Exception {
        speak(pbx, 1, "[[seconds=0.6]] one");
        assertThat(speak(pbx, 2, "two").startLine()).endsWith("PENDING");
        assertThat(speak(pbx, 3, "three").startLine()).endsWith("PENDING");
        UniMrcpClientSim.MrcpMessage stopped = send(pbx, "STOP", 4, headers("Active-Request-Id-List", "2"));
        assertThat(stopped.startLine()).endsWith(" 4 200 COMPLETE");
        assertThat(stopped.header("Active-Request-Id-List")).isEqualTo("2");
        assertThat(next(pbx).startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
        UniMrcpClientSim.MrcpMessage all = send(pbx, "STOP", 5, Map.of());
        assertThat(all.header("Active-Request-Id-List")).isEqualTo("3");
        assertThat(send(pbx, "STOP", 6, Map.of()).header("Active-Request-Id-List")).isNull();
    }

    @Test
    void bargeInKillsTheActiveAndQueuedSpeaksWithoutSpeakComplete() throws Exception {
        speak(pbx, 1, "[[seconds=3]] long");
        speak(pbx, 2, "queued");
        await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() >= 5);
        UniMrcpClientSim.MrcpMessage response = send(pbx, "BARGE-IN-OCCURRED", 3, Map.of());
        assertThat(response.startLine()).endsWith(" 3 200 COMPLETE");
        assertThat(response.header("Active-Request-Id-List")).isEqualTo("1,2");
        int atBargeIn = pbx.rtpPackets().size();
        assertThat(pbx.pollMrcp(Duration.ofMillis(400))).as("no SPEAK-COMPLETE for barged-in SPEAKs").isNull();
        assertThat(pbx.rtpPackets().size()).isLessThanOrEqualTo(atBargeIn + 1);
    }

    @Test
    void bargeInWithoutKillOnBargeInHasNoEffect() throws Exception {
        speak(pbx, 1, headers("Kill-On-Barge-In", "false"), "text/plain", "[[seconds=0.6]] keep playing");
        UniMrcpClientSim.MrcpMessage response = send(pbx, "BARGE-IN-OCCURRED", 2, Map.of());
        assertThat(response.startLine()).endsWith(" 2 200 COMPLETE");
        assertThat(response.header("Active-Request-Id-List")).isNull();
        UniMrcpClientSim.MrcpMessage complete = next(pbx);
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
        assertThat(pbx.rtpPackets().size()).isBetween(29, 31);
    }

    @Test
    void pauseHoldsTheAudioAndResumeGoesOnWithTheWallClock() throws Exception {
        assertThat(status(send(pbx, "PAUSE", 1, Map.of()))).as("PAUSE while idle").isEqualTo(402);
        assertThat(status(send(pbx, "RESUME", 2, Map.of()))).as("RESUME while idle").isEqualTo(402);
        speak(pbx, 3, "[[seconds=1]] pause me");
        await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() >= 10);
        UniMrcpClientSim.MrcpMessage paused = send(pbx, "PAUSE", 4, Map.of());
        assertThat(paused.header("Active-Request-Id-List")).isEqualTo("3");
        Thread.sleep(50); // real time: a packet already on its way when PAUSE was answered lands first
        int atPause = pbx.rtpPackets().size();
        Thread.sleep(500); // real time: 25 ticks of the media clock in which nothing may be sent
        assertThat(pbx.rtpPackets()).as("no RTP while paused").hasSize(atPause);
        assertThat(status(send(pbx, "PAUSE", 5, Map.of()))).as("PAUSE while paused").isEqualTo(200);
        assertThat(send(pbx, "RESUME", 6, Map.of()).header("Active-Request-Id-List")).isEqualTo("3");
        assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
        assertThat(all).hasSizeBetween(49, 51);
        UniMrcpClientSim.RtpPacket before = all.get(atPause - 1);
        UniMrcpClientSim.RtpPacket after = all.get(atPause);
        assertThat(after.marker()).as("marker bit on the first packet after RESUME").isTrue();
        assertThat(after.sequence()).isEqualTo((before.sequence() + 1) & 0xFFFF);
        long wallSamples = TimeUnit.NANOSECONDS.toMicros(after.arrivalNanos() - before.arrivalNanos()) * 8 / 1000;
        long tsStep = (after.timestamp() - before.timestamp()) & 0xFFFFFFFFL;
        assertThat((double) tsStep).as("timestamps follow the wall clock through the pause")
                .isCloseTo(wallSamples, within(400.0));
        assertThat(tsStep).isGreaterThan(4000);
    }

    @Test
    void engineFailureMidStreamEndsTheSpeakAtOnceAndCancelsTheQueue() throws Exception {
        long sent = System.nanoTime();
        speak(pbx, 1, "[[seconds=10 speed=20 fail-after=2]] dies after two seconds of audio");
        assertThat(speak(pbx, 2, "queued").startLine()).endsWith("PENDING");
        UniMrcpClientSim.MrcpMessage failed = next(pbx);
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertThat(failed.startLine()).endsWith("SPEAK-COMPLETE 1 COMPLETE");
        assertThat(failed.header("Completion-Cause")).isEqualTo("004 error");
        assertThat(failed.header("Completion-Reason")).contains("ENGINE_FAILURE");
        // two seconds of audio were queued when the engine failed after ~100 ms: they are not waited for
        assertThat(afterMs).as("SPEAK-COMPLETE within a second of the failure").isLessThan(1000);
        UniMrcpClientSim.MrcpMessage cancelled = next(pbx);
        assertThat(cancelled.startLine()).endsWith("SPEAK-COMPLETE 2 COMPLETE");
        assertThat(cancelled.header("Completion-Cause")).isEqualTo("007 cancelled");
        // that the queued audio is dropped is timed exactly in SynthesizerChannelTest, on virtual time
        assertThat(engine.running()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"ENGINE_FAILURE,004 error", "OVERLOADED,004 error", "LANGUAGE_UNSUPPORTED,005 language-unsupported",
            "PARSE_FAILURE,002 parse-failure", "URI_FAILURE,003 uri-failure", "UNKNOWN_VOICE,003 uri-failure"})
    void engineFailureBeforeAnyAudioGivesItsCause(String reason, String cause) throws Exception {
        assertThat(speak(pbx, 1, "[[fail-after=0 reason=" + reason + "]] x").startLine()).endsWith("IN-PROGRESS");
        UniMrcpClientSim.MrcpMessage complete = next(pbx);
        assertThat(complete.header("Completion-Cause")).isEqualTo(cause);
        assertThat(complete.header("Channel-Identifier")).isEqualTo(pbx.channelId());
        assertThat(pbx.rtpPackets()).isEmpty();
    }

    @Test
    void completionReasonNeverMakesALineOfOneKilobyte() throws Exception {
        speak(pbx, 1, "[[fail-after=0 message-chars=5000]] x");
        UniMrcpClientSim.MrcpMessage complete = next(pbx);
        assertThat(complete.header("Completion-Reason")).isNotEmpty();
        assertThat(("Completion-Reason: " + complete.header("Completion-Reason")).getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThan(1024);
    }

    @Test
    void contentThatCannotBeSpokenIsRefusedWithItsCause() throws Exception {
        UniMrcpClientSim.MrcpMessage ssml = speak(pbx, 1, Map.of(), "application/ssml+xml", "<speak>broken");
        assertThat(status(ssml)).isEqualTo(407);
        assertThat(ssml.header("Completion-Cause")).isEqualTo("002 parse-failure");
        UniMrcpClientSim.MrcpMessage uri = speak(pbx, 2, Map.of(), "text/uri-list", "http://example.com/a.wav");
        assertThat(status(uri)).isEqualTo(409);
        assertThat(uri.header("Completion-Cause")).isEqualTo("003 uri-failure");
        UniMrcpClientSim.MrcpMessage remoteLexicon = speak(pbx, 3,
                headers("Lexicon-Search-Order", "<http://example.com/lex.pls>"), "text/plain", "hi");
        assertThat(remoteLexicon.header("Completion-Cause")).isEqualTo("003 uri-failure");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE speak [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\">&x;</speak>";
        assertThat(speak(pbx, 4, Map.of(), "application/ssml+xml", xxe).header("Completion-Cause"))
                .isEqualTo("002 parse-failure");
        assertThat(engine.requests()).noneMatch(r -> r.text().contains("root:"));
    }

    @Test
    void lexiconsAreDefinedCheckedUsedAndRefusedWhileSpeaking() throws Exception {
        String pls = "<?xml version=\"1.0\"?><lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/"
                + "pronunciation-lexicon\" alphabet=\"ipa\" xml:lang=\"en-US\"><lexeme><grapheme>VoxCPM</grapheme>"
                + "<alias>vox see pee em</alias></lexeme></lexicon>";
        pbx.sendMrcp("DEFINE-LEXICON", 1, headers("Content-Id", "names"), "application/pls+xml", pls);
        assertThat(status(pbx.readMrcp(Duration.ofSeconds(5)))).isEqualTo(200);
        pbx.sendMrcp("DEFINE-LEXICON", 2, headers("Content-Id", "bad"), "application/pls+xml", "<lexicon><lexeme>");
        UniMrcpClientSim.MrcpMessage malformed = pbx.readMrcp(Duration.ofSeconds(5));
        assertThat(status(malformed)).isEqualTo(407);
        assertThat(malformed.header("Completion-Cause")).isEqualTo("006 lexicon-load-failure");
        pbx.sendMrcp("DEFINE-LEXICON", 3, headers("Content-Id", "t"), "text/plain", "not a lexicon");
        assertThat(pbx.readMrcp(Duration.ofSeconds(5)).header("Completion-Cause")).isEqualTo("006 lexicon-load-failure");
        pbx.sendMrcp("DEFINE-LEXICON", 4, Map.of(), "application/pls+xml", pls);
        assertThat(status(pbx.readMrcp(Duration.ofSeconds(5)))).as("no Content-Id").isEqualTo(406);

        UniMrcpClientSim.MrcpMessage unknown = speak(pbx, 5, headers("Lexicon-Search-Order", "<session:other>"),
                "text/plain", "hi");
        assertThat(status(unknown)).isEqualTo(407);
        assertThat(unknown.header("Completion-Cause")).isEqualTo("006 lexicon-load-failure");
        assertThat(speak(pbx, 6, headers("Lexicon-Search-Order", "<session:names>"), "text/plain",
                "[[seconds=0.4]] VoxCPM").startLine()).endsWith("IN-PROGRESS");
        await("the engine is sent the alias").atMost(Duration.ofSeconds(5)).until(() -> engine.requests()
                .stream().anyMatch(r -> r.text().equals("[[seconds=0.4]] vox see pee em")));
        pbx.sendMrcp("DEFINE-LEXICON", 7, headers("Content-Id", "late"), "application/pls+xml", pls);
        assertThat(status(pbx.readMrcp(Duration.ofSeconds(5)))).as("DEFINE-LEXICON while speaking").isEqualTo(402);
        assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
        String ssml = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\"><lexicon uri=\"%s\"/>"
                + "[[seconds=0.2]] Say VoxCPM</speak>";
        assertThat(speak(pbx, 71, Map.of(), "application/ssml+xml", ssml.formatted("session:names")).startLine())
                .endsWith("IN-PROGRESS");
        assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
        assertThat(engine.requests()).anyMatch(r -> r.text().endsWith("Say vox see pee em"));
        assertThat(speak(pbx, 72, Map.of(), "application/ssml+xml", ssml.formatted("http://example.com/x.pls"))
                .header("Completion-Cause")).as("an SSML lexicon URL is never fetched").isEqualTo("003 uri-failure");
        assertThat(speak(pbx, 73, Map.of(), "application/ssml+xml", ssml.formatted("session:nope"))
                .header("Completion-Cause")).isEqualTo("006 lexicon-load-failure");
        assertThat(status(send(pbx, "DEFINE-LEXICON", 8, headers("Content-Id", "names", "Load-Lexicon", "false"))))
                .isEqualTo(200);
        assertThat(speak(pbx, 9, headers("Lexicon-Search-Order", "<session:names>"), "text/plain", "x")
                .header("Completion-Cause")).as("unloaded").isEqualTo("006 lexicon-load-failure");
    }

    @Test
    void controlRestartsAndJumpsWithinTheEncodedAudio() throws Exception {
        assertThat(status(send(pbx, "CONTROL", 1, headers("Jump-Size", "+1 Second")))).as("idle").isEqualTo(200);
        speak(pbx, 2, "[[seconds=2 speed=20]] jump around");
        await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() >= 25);
        int beforeRestart = pbx.rtpPackets().size();
        UniMrcpClientSim.MrcpMessage restart = send(pbx, "CONTROL", 3, headers("Speak-Restart", "true"));
        assertThat(restart.startLine()).endsWith(" 3 200 COMPLETE");
        assertThat(restart.header("Speak-Restart")).isEqualTo("true");
        assertThat(restart.header("Active-Request-Id-List")).isEqualTo("2");
        int atRestart = pbx.rtpPackets().size();
        await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() >= atRestart + 5);
        UniMrcpClientSim.MrcpMessage word = send(pbx, "CONTROL", 4, headers("Jump-Size", "+2 Word"));
        assertThat(status(word)).isEqualTo(409);
        assertThat(status(send(pbx, "CONTROL", 5, headers("Prosody-Rate", "fast")))).isEqualTo(403);
        assertThat(status(send(pbx, "CONTROL", 6, headers("Jump-Size", "sideways")))).isEqualTo(404);
        UniMrcpClientSim.MrcpMessage forward = send(pbx, "CONTROL", 7, headers("Jump-Size", "+1 Second"));
        assertThat(forward.header("Speak-Restart")).isNull();
        int atForward = pbx.rtpPackets().size();
        await().atMost(Duration.ofSeconds(5)).until(() -> pbx.rtpPackets().size() >= atForward + 5);
        UniMrcpClientSim.MrcpMessage back = send(pbx, "CONTROL", 8, headers("Jump-Size", "-100 Second"));
        assertThat(back.header("Speak-Restart")).as("jump before the start restarts").isEqualTo("true");
        assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
        List<UniMrcpClientSim.RtpPacket> all = pbx.rtpPackets();
        // packets of the old talkspurt may still be in flight when the CONTROL response is read, and on a
        // loaded machine the new talkspurt may have begun before the response is read: look on both sides
        assertThat(all.subList(beforeRestart, atRestart + 3)).as("restart begins a new talkspurt")
                .anyMatch(UniMrcpClientSim.RtpPacket::marker);
        // 25 played, restart; a forward jump of a second; a restart: a full 2 s (100 frames) play at the end
        assertThat(all.size()).isBetween(125, 210);
        long markers = all.stream().filter(UniMrcpClientSim.RtpPacket::marker).count();
        assertThat(markers).isEqualTo(4);
    }

    @Test
    void illegalHeaderValuesAre404AndChangeNothing() throws Exception {
        int requestsBefore = engine.requests().size();
        for (String[] bad : new String[][] {{"Voice-Age", "old"}, {"Kill-On-Barge-In", "maybe"},
                {"Speech-Language", "en_US!"}, {"Prosody-Rate", "warp"}, {"Prosody-Volume", "+loud"},
                {"Voice-Gender", "robot"}}) {
            pbx.sendMrcp("SPEAK", 1, headers(bad[0], bad[1]), "text/plain", "x");
            assertThat(status(pbx.readMrcp(Duration.ofSeconds(5)))).as(bad[0] + ": " + bad[1]).isEqualTo(404);
            assertThat(status(send(pbx, "SET-PARAMS", 2, headers(bad[0], bad[1])))).isEqualTo(404);
        }
        assertThat(send(pbx, "GET-PARAMS", 3, headers("Voice-Age", "")).header("Voice-Age")).isNull();
        assertThat(engine.requests()).hasSize(requestsBefore);
        assertThat(speak(pbx, 4, headers("voice-age", "25", "PROSODY-RATE", "+10%", "Prosody-Volume", "-6dB",
                "Kill-On-Barge-In", "FALSE"), "text/plain", "[[seconds=0.2]] fine").startLine()).endsWith("IN-PROGRESS");
        assertThat(next(pbx).header("Completion-Cause")).isEqualTo("000 normal");
    }

    @Test
    void precedenceIsSsmlThenSpeakThenSetParamsThenServer() throws Exception {
        assertThat(send(pbx, "GET-PARAMS", 1, headers("Kill-On-Barge-In", "", "Speech-Language", ""))
                .header("Kill-On-Barge-In")).as("server default").isEqualTo("true");
        assertThat(status(send(pbx, "SET-PARAMS", 2, headers("Speech-Language", "de-DE", "Voice-Name", "anna",
                "Vendor-Specific-Parameters", "cfg_value=2.0;voice=ignored")))).isEqualTo(200);
        UniMrcpClientSim.MrcpMessage params = send(pbx, "GET-PARAMS", 3,
                headers("Speech-Language", "", "Voice-Name", "", "Kill-On-Barge-In", ""));
        assertThat(params.header("Speech-Language")).isEqualTo("de-DE");
        assertThat(params.header("Voice-Name")).isEqualTo("anna");
        assertThat(params.header("Kill-On-Barge-In")).isEqualTo("true");

        speak(pbx, 4, "[[seconds=0.1]] session defaults");
        next(pbx);
        speak(pbx, 5, headers("Speech-Language", "fr-FR", "Voice-Name", "marie"), "text/plain", "[[seconds=0.1]] h");
        next(pbx);
        speak(pbx, 6, headers("Speech-Language", "fr-FR"), "application/ssml+xml",
                "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"it-IT\">"
                        + "[[seconds=0.1]] ciao</speak>");
        next(pbx);
        List<SynthesisRequest> seen = engine.requests().subList(engine.requests().size() - 3, engine.requests().size());
        assertThat(seen.get(0).language()).isEqualTo("de-DE");
        // registered design voices reach the engine as their descriptions; cfg_value in canonical form
        assertThat(seen.get(0).voice().description()).isEqualTo("A calm German woman");
        assertThat(seen.get(0).generation().asMap()).containsEntry("cfg_value", "2");
        assertThat(seen.get(0).mode()).isEqualTo(SynthesisMode.DESIGN);
        assertThat(seen.get(1).language()).isEqualTo("fr-FR");
        assertThat(seen.get(1).voice().description()).isEqualTo("A bright French woman");
        assertThat(seen.get(2).language()).as("SSML xml:lang beats the header").isEqualTo("it-IT");
    }

    @Test
    void speechMarkersAreSentOnlyWhenTheSessionAsksForThem() throws Exception {
        String ssml = "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\"><mark name=\"start\"/>"
                + "[[seconds=0.2]] Hello <mark name=\"middle\"/> world <mark name=\"end\"/></speak>";
        speak(pbx, 1, Map.of(), "application/ssml+xml", ssml);
        UniMrcpClientSim.MrcpMessage plain = next(pbx);
        assertThat(plain.startLine()).as("markers off by default").endsWith("SPEAK-COMPLETE 1 COMPLETE");
        assertThat(plain.header("Speech-Marker")).isNull();

        assertThat(status(send(pbx, "SET-PARAMS", 2, headers("Vendor-Specific-Parameters", "speech-markers=true"))))
                .isEqualTo(200);
        speak(pbx, 3, Map.of(), "application/ssml+xml", ssml);
        UniMrcpClientSim.MrcpMessage start = next(pbx);
        assertThat(start.startLine()).endsWith("SPEECH-MARKER 3 IN-PROGRESS");
        assertThat(start.header("Speech-Marker")).matches("timestamp=\\d+;start");
        assertThat(next(pbx).header("Speech-Marker")).endsWith(";middle");
        assertThat(next(pbx).header("Speech-Marker")).endsWith(";end");
        UniMrcpClientSim.MrcpMessage complete = next(pbx);
        assertThat(complete.startLine()).endsWith("SPEAK-COMPLETE 3 COMPLETE");
        assertThat(complete.header("Speech-Marker")).endsWith(";end");
    }

    @Test
    void setParamsAndGetParamsRoundTripAndRefuseUnechoableValues() throws Exception {
        assertThat(status(send(pbx, "SET-PARAMS", 1, headers("Voice-Gender", "female", "Prosody-Rate", "slow"))))
                .isEqualTo(200);
        UniMrcpClientSim.MrcpMessage all = send(pbx, "GET-PARAMS", 2, Map.of());
        assertThat(all.header("Voice-Gender")).isEqualTo("female");
        assertThat(all.header("Prosody-Rate")).isEqualTo("slow");
        assertThat(status(send(pbx, "SET-PARAMS", 3, headers("Logging-Tag", "t".repeat(1200))))).isEqualTo(404);
        assertThat(status(send(pbx, "NOT-A-METHOD", 4, Map.of()))).as("method not allowed").isEqualTo(401);
    }

    @Test
    void toleratesHowClientsWriteAndKeepsTheTimingClientsNeed() throws Exception {
        String body = "[[seconds=0.3]] Grüße aus Köln";
        int bodyBytes = body.getBytes(StandardCharsets.UTF_8).length;
        // lower-case names, no space after the colon, LF-only line ends; the message-length is not used to frame
        String request = "MRCP/2.0 999 SPEAK 77\nchannel-identifier:" + pbx.channelId() + "\nkill-on-barge-in:false\n"
                + "content-type:text/plain\ncontent-length:" + bodyBytes + "\n\n" + body;
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        long sent = System.nanoTime();
        for (int i = 0; i < bytes.length; i += 7) { // split across many TCP segments
            pbx.sendRaw(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7)));
            Thread.sleep(1); // real time: pieces written apart reach the server as separate reads
        }
        UniMrcpClientSim.MrcpMessage inProgress = pbx.readMrcp(Duration.ofSeconds(5));
        long answered = System.nanoTime();
        assertThat(inProgress.startLine()).endsWith(" 77 200 IN-PROGRESS");
        assertThat(inProgress.header("Channel-Identifier")).as("echoed byte for byte").isEqualTo(pbx.channelId());
        assertThat(pbx.rtpPackets()).as("no audio before the IN-PROGRESS response").isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(answered - sent)).isLessThan(1000);
        UniMrcpClientSim.MrcpMessage complete = next(pbx);
        long completed = System.nanoTime();
        List<UniMrcpClientSim.RtpPacket> packets = pbx.rtpPackets();
        assertThat(packets).hasSizeBetween(14, 16);
        assertThat(packets.get(0).arrivalNanos()).isGreaterThan(answered - TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(TimeUnit.NANOSECONDS.toMillis(completed - packets.get(packets.size() - 1).arrivalNanos()))
                .as("SPEAK-COMPLETE after the last packet plus the playout margin").isGreaterThanOrEqualTo(MARGIN_MS - 15);
        assertThat(complete.header("Completion-Cause")).isEqualTo("000 normal");
        // no audio after SPEAK-COMPLETE: SynthesizerChannelTest checks it on virtual time

        // the identifier is matched case-sensitively, as UniMRCP clients match it
        String upper = pbx.channelId().toUpperCase(java.util.Locale.ROOT).replace("SPEECHSYNTH", "speechsynth");
        if (!upper.equals(pbx.channelId())) { // an all-digit session id has no case to change
            pbx.sendRaw(("MRCP/2.0 80 STOP 78\r\nChannel-Identifier: " + upper + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(status(pbx.readMrcp(Duration.ofSeconds(5)))).isEqualTo(405);
        }
    }
}
