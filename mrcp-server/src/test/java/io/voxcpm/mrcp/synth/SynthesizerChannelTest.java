package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.mrcp.message.MrcpEvent;
import io.voxcpm.mrcp.message.MrcpHeaders;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpMethodNames;
import io.voxcpm.mrcp.message.MrcpRequest;
import io.voxcpm.mrcp.message.MrcpResponse;
import io.voxcpm.mrcp.server.EmbeddedMrcpConnection;
import io.voxcpm.mrcp.server.MrcpConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The synthesizer channel on virtual time: its executor is an {@link EmbeddedChannel}'s event loop on a mock
 * ticker, the engine answers at once, and the audio channel sends one frame per 20 ms of that clock. Every
 * timing is exact, where the end-to-end suites over real sockets can only allow windows.
 */
class SynthesizerChannelTest {

    private static final int PTIME = 20;
    private static final int MARGIN_MS = 200;

    private final MockTicker ticker = Ticker.newMockTicker();
    private final InstantEngine engine = new InstantEngine();
    private EmbeddedChannel wire;
    private MrcpConnection client;
    private VirtualAudioChannel audio;
    private SynthesizerChannel synth;
    private long nowMs;

    @BeforeEach
    void open() {
        wire = EmbeddedMrcpConnection.channel(ticker);
        client = EmbeddedMrcpConnection.over(wire);
        audio = new VirtualAudioChannel(wire.eventLoop(), TelephonyFormat.PCMU_8K.bytesPerFrame(PTIME), PTIME);
        synth = new SynthesizerChannel("0123abcd@speechsynth", "[0123abcd test]", engine, audio,
                TelephonyFormat.PCMU_8K, PTIME, new SynthSettings(Duration.ofMillis(MARGIN_MS), 2, 1000),
                SpeakPlanning.DEFAULTS, wire.eventLoop());
    }

    @AfterEach
    void close() {
        synth.close();
        wire.finishAndReleaseAll();
    }

    @Test
    void aQueuedSpeakStartsExactlyOnePlayoutMarginAfterTheFirstHasPlayedOut() {
        assertThat(request("SPEAK", 1, "1000")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(request("SPEAK", 2, "400")).isEqualTo("2 200 PENDING");
        advanceTo(1000);
        assertThat(audio.sent()).hasSize(50);
        assertThat(audio.sent().get(49).atMillis()).isEqualTo(1000);
        advanceTo(1000 + MARGIN_MS - 1);
        assertThat(messages()).as("SPEAK-COMPLETE waits out the client's jitter buffer").isEmpty();
        advanceTo(1000 + MARGIN_MS);
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 000 normal");
        advanceTo(1000 + MARGIN_MS + 400);
        assertThat(audio.sent()).hasSize(70);
        assertThat(audio.sent().get(50).marker()).as("a new talkspurt for the queued SPEAK").isTrue();
        assertThat(audio.sent().get(50).atMillis()).isEqualTo(1000 + MARGIN_MS + PTIME);
        advanceTo(1000 + MARGIN_MS + 400 + MARGIN_MS);
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal");
        advanceTo(5000);
        assertThat(audio.sent()).as("no audio after SPEAK-COMPLETE").hasSize(70);
    }

    @Test
    void pauseHoldsTheAudioForExactlyAsLongAsItLasts() {
        assertThat(request("PAUSE", 1, null)).isEqualTo("1 402 COMPLETE");
        request("SPEAK", 2, "1000");
        advanceTo(200);
        assertThat(request("PAUSE", 3, null)).isEqualTo("3 200 COMPLETE [2]");
        advanceTo(700);
        assertThat(audio.sent()).as("nothing while paused").hasSize(10);
        assertThat(request("RESUME", 4, null)).isEqualTo("4 200 COMPLETE [2]");
        advanceTo(720);
        assertThat(audio.sent()).hasSize(11);
        assertThat(audio.sent().get(10).marker()).as("marker bit after RESUME").isTrue();
        advanceTo(1500);
        assertThat(audio.sent()).hasSize(50);
        assertThat(audio.sent().get(49).atMillis()).isEqualTo(1500);
        advanceTo(1500 + MARGIN_MS - 1);
        assertThat(messages()).isEmpty();
        advanceTo(1500 + MARGIN_MS);
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal");
    }

    @Test
    void anEngineFailureEndsTheSpeakAtOnceCancelsTheQueueAndDropsTheQueuedAudio() {
        assertThat(request("SPEAK", 1, "2000 fail")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 004 error");
        advanceTo(1000);
        assertThat(audio.sent()).as("two seconds were queued when the engine failed; none of it plays").isEmpty();
        request("SPEAK", 2, "400");
        assertThat(request("SPEAK", 3, "2000 fail")).isEqualTo("3 200 PENDING");
        assertThat(request("SPEAK", 4, "400")).isEqualTo("4 200 PENDING");
        advanceTo(1000 + 400 + MARGIN_MS);
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal",
                "SPEAK-COMPLETE 3 COMPLETE 004 error", "SPEAK-COMPLETE 4 COMPLETE 007 cancelled");
        advanceTo(5000);
        assertThat(audio.sent()).hasSize(20);
    }

    @Test
    void stopAndBargeInListWhatTheyStoppedAndSendNoEvent() {
        request("SPEAK", 1, "1000");
        request("SPEAK", 2, "1000");
        request("SPEAK", 3, "1000");
        assertThat(request("SPEAK", 4, "1000")).isEqualTo("4 407 COMPLETE");
        assertThat(request("STOP", 5, null, "Active-Request-Id-List", "1,3")).isEqualTo("5 200 COMPLETE [1,3]");
        advanceTo(100);
        assertThat(audio.sent()).as("SPEAK 2 took over at once").hasSize(5);
        assertThat(request("BARGE-IN-OCCURRED", 6, null)).isEqualTo("6 200 COMPLETE [2]");
        advanceTo(2000);
        assertThat(audio.sent()).hasSize(5);
        assertThat(messages()).isEmpty();
    }

    @Test
    void aMarkIsReportedOnTheTickThatSendsItsFrame() {
        request("SET-PARAMS", 1, null, "Vendor-Specific-Parameters", "speech-markers=true");
        request("SPEAK", 2, "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\">500."
                + "<mark name=\"half\"/>500.</speak>", "Content-Type", "application/ssml+xml");
        // the mark is at sample 4000: frame 25 leaves on the 26th tick
        advanceTo(519);
        assertThat(messages()).isEmpty();
        advanceTo(520);
        assertThat(messages()).containsExactly("SPEECH-MARKER 2 IN-PROGRESS half");
        advanceTo(1000 + MARGIN_MS);
        assertThat(messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal half");
    }

    @Test
    void aSpeakWithMoreThanTheMaximumTextIsRefused() {
        assertThat(request("SPEAK", 1, "x".repeat(1000))).isEqualTo("1 200 IN-PROGRESS");
        messages(); // (the stand-in engine cannot read "xxx" and fails it: what counts is that it was admitted)
        int synthesized = engine.requests().size();
        assertThat(request("SPEAK", 3, "x".repeat(1001))).as("max-text-chars is 1000 here")
                .matches("3 4\\d\\d COMPLETE");
        assertThat(engine.requests()).as("refused before the engine").hasSize(synthesized);
    }

    @Test
    void aSessionDefinesAtMostItsMaximumOfLexicons() {
        String pls = "<lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\" "
                + "alphabet=\"ipa\" xml:lang=\"en-US\"><lexeme><grapheme>a</grapheme><alias>b</alias></lexeme></lexicon>";
        for (int i = 1; i <= SynthSettings.DEFAULTS.maxLexicons(); i++) {
            assertThat(request("DEFINE-LEXICON", i, pls, "Content-Type", "application/pls+xml", "Content-Id", "lex" + i))
                    .isEqualTo(i + " 200 COMPLETE");
        }
        assertThat(request("DEFINE-LEXICON", 99, pls, "Content-Type", "application/pls+xml", "Content-Id", "one-more"))
                .isEqualTo("99 407 COMPLETE");
        assertThat(request("DEFINE-LEXICON", 100, pls, "Content-Type", "application/pls+xml", "Content-Id", "lex1"))
                .as("redefining one it has is no new lexicon").isEqualTo("100 200 COMPLETE");
    }

    @Test
    void setParamsStoresOnlySynthesizerParametersAndKnownVendorNames() {
        assertThat(request("SET-PARAMS", 1, null, "Voice-Name", "anna", "X-Junk", "1", "Proxy-Sync-Id", "p",
                "Vendor-Specific-Parameters", "cfg_value=2.0;tracking=abc;speech-markers=true"))
                .isEqualTo("1 200 COMPLETE");
        MrcpResponse all = getParams();
        assertThat(all.headers().get("Voice-Name")).isEqualTo("anna");
        assertThat(all.headers().get("X-Junk")).isNull();
        assertThat(all.headers().get("Proxy-Sync-Id")).isNull();
        assertThat(all.headers().get("Vendor-Specific-Parameters")).isEqualTo("cfg_value=2.0;speech-markers=true");
    }

    @Test
    void setParamsBeyondTheSessionsCapsStoresNothing() {
        synth.close();
        synth = new SynthesizerChannel("0123abcd@speechsynth", "[0123abcd test]", engine, audio,
                TelephonyFormat.PCMU_8K, PTIME, new SynthSettings(Duration.ofMillis(MARGIN_MS), 2, 1000, false,
                30_000, 16, 3, 256), SpeakPlanning.DEFAULTS, wire.eventLoop());
        assertThat(request("SET-PARAMS", 1, null, "Voice-Name", "anna", "Vendor-Specific-Parameters",
                "cfg_value=2.0;seed=1")).isEqualTo("1 200 COMPLETE");
        assertThat(request("SET-PARAMS", 2, null, "Voice-Gender", "female")).as("a fourth parameter")
                .isEqualTo("2 407 COMPLETE");
        assertThat(request("SET-PARAMS", 3, null, "Voice-Name", "b".repeat(300))).as("over 256 bytes")
                .isEqualTo("3 407 COMPLETE");
        assertThat(request("SET-PARAMS", 4, null, "Voice-Name", "berta")).as("replacing one is no new one")
                .isEqualTo("4 200 COMPLETE");
        MrcpResponse all = getParams();
        assertThat(all.headers().get("Voice-Name")).isEqualTo("berta");
        assertThat(all.headers().get("Voice-Gender")).isNull();
    }

    private MrcpResponse getParams() {
        synth.onRequest(new MrcpRequest("GET-PARAMS", 50, MrcpHeaders.builder()
                .add("Channel-Identifier", "0123abcd@speechsynth").build()), client);
        wire.runPendingTasks();
        return wire.readOutbound();
    }

    /** Sends a request, runs what it started, and returns the response as {@code id status STATE [list]}. */
    private String request(String method, long id, String body, String... headers) {
        MrcpHeaders.Builder h = MrcpHeaders.builder().add("Channel-Identifier", "0123abcd@speechsynth");
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        if (body != null && java.util.Arrays.stream(headers).noneMatch("Content-Type"::equals)) {
            h.add("Content-Type", "text/plain");
        }
        synth.onRequest(body == null ? new MrcpRequest(method, id, h.build())
                : MrcpRequest.withText(method, id, h.build(), body), client);
        wire.runPendingTasks();
        MrcpMessage first = wire.readOutbound();
        assertThat(first).isInstanceOf(MrcpResponse.class);
        MrcpResponse r = (MrcpResponse) first;
        String list = r.headers().get("Active-Request-Id-List");
        return r.requestId() + " " + r.statusCode() + " " + r.state().wireName() + (list == null ? "" : " [" + list + "]");
    }

    /** The events sent since the last call, as {@code NAME id STATE cause-or-mark [last mark]}. */
    private List<String> messages() {
        wire.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (MrcpMessage m; (m = wire.readOutbound()) != null; ) {
            MrcpEvent e = (MrcpEvent) m;
            String marker = e.headers().get("Speech-Marker");
            String mark = marker == null || !marker.contains(";") ? "" : " " + marker.substring(marker.indexOf(';') + 1);
            String cause = e.headers().get("Completion-Cause");
            out.add(e.eventName() + " " + e.requestId() + " " + e.state().wireName() + (cause == null ? "" : " " + cause) + mark);
            if (e.eventName().equals(MrcpMethodNames.SPEAK_COMPLETE)) {
                assertThat(e.headers().get("Channel-Identifier")).isEqualTo("0123abcd@speechsynth");
            }
        }
        return out;
    }

    /** Moves virtual time to {@code ms}, one millisecond at a time, running everything that falls due. */
    private void advanceTo(long ms) {
        while (nowMs < ms) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            nowMs++;
            // the second run executes what the timers of the first handed to the executor (a played-out hop)
            wire.runPendingTasks();
            wire.runPendingTasks();
        }
    }
}
