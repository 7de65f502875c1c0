package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.voxcpm.mrcp.message.MrcpMessage;
import io.voxcpm.mrcp.message.MrcpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The synthesizer channel on virtual time: its executor is an {@link EmbeddedChannel}'s event loop on a mock
 * ticker, the engine answers at once, and the audio channel sends one frame per 20 ms of that clock
 * ({@link SynthesizerHarness}). Every timing is exact, where the end-to-end suites over real sockets can only
 * allow windows.
 */
class SynthesizerChannelTest {

    private static final int PTIME = SynthesizerHarness.PTIME;
    private static final int MARGIN_MS = 200;

    private final SynthesizerHarness h = new SynthesizerHarness(
            new SynthSettings(Duration.ofMillis(MARGIN_MS), 2, 1000), SpeakPlanning.DEFAULTS);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aQueuedSpeakStartsExactlyOnePlayoutMarginAfterTheFirstHasPlayedOut() {
        assertThat(h.request("SPEAK", 1, "1000")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(h.request("SPEAK", 2, "400")).isEqualTo("2 200 PENDING");
        h.advanceTo(1000);
        assertThat(h.audio.sent()).hasSize(50);
        assertThat(h.audio.sent().get(49).atMillis()).isEqualTo(1000);
        h.advanceTo(1000 + MARGIN_MS - 1);
        assertThat(h.messages()).as("SPEAK-COMPLETE waits out the client's jitter buffer").isEmpty();
        h.advanceTo(1000 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 000 normal");
        h.advanceTo(1000 + MARGIN_MS + 400);
        assertThat(h.audio.sent()).hasSize(70);
        assertThat(h.audio.sent().get(50).marker()).as("a new talkspurt for the queued SPEAK").isTrue();
        assertThat(h.audio.sent().get(50).atMillis()).isEqualTo(1000 + MARGIN_MS + PTIME);
        h.advanceTo(1000 + MARGIN_MS + 400 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal");
        h.advanceTo(5000);
        assertThat(h.audio.sent()).as("no audio after SPEAK-COMPLETE").hasSize(70);
    }

    @Test
    void pauseHoldsTheAudioForExactlyAsLongAsItLasts() {
        assertThat(h.request("PAUSE", 1, null)).isEqualTo("1 402 COMPLETE");
        h.request("SPEAK", 2, "1000");
        h.advanceTo(200);
        assertThat(h.request("PAUSE", 3, null)).isEqualTo("3 200 COMPLETE [2]");
        h.advanceTo(700);
        assertThat(h.audio.sent()).as("nothing while paused").hasSize(10);
        assertThat(h.request("RESUME", 4, null)).isEqualTo("4 200 COMPLETE [2]");
        h.advanceTo(720);
        assertThat(h.audio.sent()).hasSize(11);
        assertThat(h.audio.sent().get(10).marker()).as("marker bit after RESUME").isTrue();
        h.advanceTo(1500);
        assertThat(h.audio.sent()).hasSize(50);
        assertThat(h.audio.sent().get(49).atMillis()).isEqualTo(1500);
        h.advanceTo(1500 + MARGIN_MS - 1);
        assertThat(h.messages()).isEmpty();
        h.advanceTo(1500 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal");
    }

    @Test
    void anEngineFailureEndsTheSpeakAtOnceCancelsTheQueueAndDropsTheQueuedAudio() {
        assertThat(h.request("SPEAK", 1, "2000 fail")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 004 error");
        h.advanceTo(1000);
        assertThat(h.audio.sent()).as("two seconds were queued when the engine failed; none of it plays").isEmpty();
        h.request("SPEAK", 2, "400");
        assertThat(h.request("SPEAK", 3, "2000 fail")).isEqualTo("3 200 PENDING");
        assertThat(h.request("SPEAK", 4, "400")).isEqualTo("4 200 PENDING");
        h.advanceTo(1000 + 400 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal",
                "SPEAK-COMPLETE 3 COMPLETE 004 error", "SPEAK-COMPLETE 4 COMPLETE 007 cancelled");
        h.advanceTo(5000);
        assertThat(h.audio.sent()).hasSize(20);
    }

    @Test
    void stopAndBargeInListWhatTheyStoppedAndSendNoEvent() {
        h.request("SPEAK", 1, "1000");
        h.request("SPEAK", 2, "1000");
        h.request("SPEAK", 3, "1000");
        assertThat(h.request("SPEAK", 4, "1000")).isEqualTo("4 407 COMPLETE");
        assertThat(h.request("STOP", 5, null, "Active-Request-Id-List", "1,3")).isEqualTo("5 200 COMPLETE [1,3]");
        h.advanceTo(100);
        assertThat(h.audio.sent()).as("SPEAK 2 took over at once").hasSize(5);
        assertThat(h.request("BARGE-IN-OCCURRED", 6, null)).isEqualTo("6 200 COMPLETE [2]");
        h.advanceTo(2000);
        assertThat(h.audio.sent()).hasSize(5);
        assertThat(h.messages()).isEmpty();
    }

    @Test
    void speaksEndedWithoutSpeakCompleteAreReportedWithWhatEndedThemAndHowFarTheyPlayed() {
        List<SpeakObserver.SpeakReport> reports = new ArrayList<>();
        h.reopen(new SynthSettings(Duration.ofMillis(MARGIN_MS), 2, 1000).withObserver(reports::add),
                SpeakPlanning.DEFAULTS);
        h.request("SPEAK", 1, "1000");
        h.request("SPEAK", 2, "1000");
        h.request("SPEAK", 3, "1000");
        h.advanceTo(300);
        assertThat(h.request("BARGE-IN-OCCURRED", 4, null)).isEqualTo("4 200 COMPLETE [1,2,3]");
        h.request("SPEAK", 5, "1000");
        h.advanceTo(500);
        assertThat(h.request("STOP", 6, null)).isEqualTo("6 200 COMPLETE [5]");
        h.request("SPEAK", 7, "1000");
        h.advanceTo(600);
        h.synth().close();
        h.advanceTo(601);
        assertThat(h.messages()).isEmpty();
        // first packets at 20, 320 and 520 ms: 15, 10 and 5 frames of 20 ms had left when each was stopped
        assertThat(reports).extracting(r -> r.requestId() + " " + r.causeName() + " " + r.audioSeconds() + " s"
                + (r.started() ? "" : " queued")).containsExactly("1 barged_in 0.3 s", "2 barged_in 0.0 s queued",
                "3 barged_in 0.0 s queued", "5 stopped 0.2 s", "7 session_ended 0.1 s");
        assertThat(reports).allSatisfy(r -> assertThat(r.cause()).isNull());
    }

    @Test
    void aSpeakIsAnsweredBeforeItIsPlannedAndItsAudioFollowsTheAnswer() {
        h.synth().onRequest(SynthesizerHarness.speakRequest(1, "1000"), h.client);
        assertThat(h.wire.<MrcpMessage>readOutbound()).as("written by the request's own thread, before planning")
                .isInstanceOfSatisfying(MrcpResponse.class, r -> assertThat(r.state().wireName())
                        .isEqualTo("IN-PROGRESS"));
        assertThat(h.audio.talkspurts()).as("nothing planned or started yet").isZero();
        h.wire.runPendingTasks(); // planning, on the shared executor
        assertThat(h.audio.talkspurts()).isEqualTo(1);
        h.advanceTo(20);
        assertThat(h.audio.sent()).hasSize(1);
        assertThat(h.audio.sent().get(0).atMillis()).as("first packet on the first tick after the answer").isEqualTo(20);
    }

    @Test
    void aSpeakWhosePlanFailsEndsAloneWithItsCauseAndTheQueueGoesOn() {
        assertThat(h.request("SPEAK", 1, "400")).isEqualTo("1 200 IN-PROGRESS");
        assertThat(h.request("SPEAK", 2, "300", "Content-Type", "text/plain", "Voice-Name", "acme"))
                .as("answered before planning finds no voice 'acme'").isEqualTo("2 200 PENDING");
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 004 error");
        assertThat(h.request("SPEAK", 3, "200")).isEqualTo("3 200 PENDING");
        h.advanceTo(400 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 1 COMPLETE 000 normal");
        h.advanceTo(400 + MARGIN_MS + 200 + MARGIN_MS);
        assertThat(h.messages()).as("SPEAK 3 was not cancelled by SPEAK 2's failure")
                .containsExactly("SPEAK-COMPLETE 3 COMPLETE 000 normal");
        assertThat(h.audio.sent()).hasSize(30);
    }

    @Test
    void aMarkIsReportedOnTheTickThatSendsItsFrame() {
        h.request("SET-PARAMS", 1, null, "Vendor-Specific-Parameters", "speech-markers=true");
        h.request("SPEAK", 2, "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\">500."
                + "<mark name=\"half\"/>500.</speak>", "Content-Type", "application/ssml+xml");
        // the mark is at sample 4000: frame 25 leaves on the 26th tick
        h.advanceTo(519);
        assertThat(h.messages()).isEmpty();
        h.advanceTo(520);
        assertThat(h.messages()).containsExactly("SPEECH-MARKER 2 IN-PROGRESS half");
        h.advanceTo(1000 + MARGIN_MS);
        assertThat(h.messages()).containsExactly("SPEAK-COMPLETE 2 COMPLETE 000 normal half");
    }

    @Test
    void aSpeakWithMoreThanTheMaximumTextIsRefused() {
        assertThat(h.request("SPEAK", 1, "x".repeat(1000))).isEqualTo("1 200 IN-PROGRESS");
        h.messages(); // (the stand-in engine cannot read "xxx" and fails it: what counts is that it was admitted)
        int synthesized = h.engine.requests().size();
        assertThat(h.request("SPEAK", 3, "x".repeat(1001))).as("max-text-chars is 1000 here")
                .matches("3 4\\d\\d COMPLETE");
        assertThat(h.engine.requests()).as("refused before the engine").hasSize(synthesized);
    }

    @Test
    void aSessionDefinesAtMostItsMaximumOfLexicons() {
        String pls = "<lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\" "
                + "alphabet=\"ipa\" xml:lang=\"en-US\"><lexeme><grapheme>a</grapheme><alias>b</alias></lexeme></lexicon>";
        for (int i = 1; i <= SynthSettings.DEFAULTS.maxLexicons(); i++) {
            assertThat(h.request("DEFINE-LEXICON", i, pls, "Content-Type", "application/pls+xml", "Content-Id", "lex" + i))
                    .isEqualTo(i + " 200 COMPLETE");
        }
        assertThat(h.request("DEFINE-LEXICON", 99, pls, "Content-Type", "application/pls+xml", "Content-Id", "one-more"))
                .isEqualTo("99 407 COMPLETE");
        assertThat(h.request("DEFINE-LEXICON", 100, pls, "Content-Type", "application/pls+xml", "Content-Id", "lex1"))
                .as("redefining one it has is no new lexicon").isEqualTo("100 200 COMPLETE");
    }

    @Test
    void setParamsStoresOnlySynthesizerParametersAndKnownVendorNames() {
        assertThat(h.request("SET-PARAMS", 1, null, "Voice-Name", "anna", "X-Junk", "1", "Proxy-Sync-Id", "p",
                "Vendor-Specific-Parameters", "cfg_value=2.0;tracking=abc;speech-markers=true"))
                .isEqualTo("1 200 COMPLETE");
        MrcpResponse all = h.getParams();
        assertThat(all.headers().get("Voice-Name")).isEqualTo("anna");
        assertThat(all.headers().get("X-Junk")).isNull();
        assertThat(all.headers().get("Proxy-Sync-Id")).isNull();
        assertThat(all.headers().get("Vendor-Specific-Parameters")).isEqualTo("cfg_value=2.0;speech-markers=true");
    }

    @Test
    void setParamsBeyondTheSessionsCapsStoresNothing() {
        h.reopen(new SynthSettings(Duration.ofMillis(MARGIN_MS), 2, 1000, false, 30_000, 16, 3, 256),
                SpeakPlanning.DEFAULTS);
        assertThat(h.request("SET-PARAMS", 1, null, "Voice-Name", "anna", "Vendor-Specific-Parameters",
                "cfg_value=2.0;seed=1")).isEqualTo("1 200 COMPLETE");
        assertThat(h.request("SET-PARAMS", 2, null, "Voice-Gender", "female")).as("a fourth parameter")
                .isEqualTo("2 407 COMPLETE");
        assertThat(h.request("SET-PARAMS", 3, null, "Voice-Name", "b".repeat(300))).as("over 256 bytes")
                .isEqualTo("3 407 COMPLETE");
        assertThat(h.request("SET-PARAMS", 4, null, "Voice-Name", "berta")).as("replacing one is no new one")
                .isEqualTo("4 200 COMPLETE");
        MrcpResponse all = h.getParams();
        assertThat(all.headers().get("Voice-Name")).isEqualTo("berta");
        assertThat(all.headers().get("Voice-Gender")).isNull();
    }
}
