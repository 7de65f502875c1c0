package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.mrcp.message.MrcpEvent;
import io.voxcpm.request.ParameterCaps;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The break bomb on virtual time ({@link SynthesizerHarness}): thousands of {@code <break time="10s"/>} fit in
 * one SPEAK. Its total audio is capped (a SPEAK whose breaks alone pass the cap completes 004 at once, with the
 * reason), and silence is encoded only as it is played, so the talkspurt never holds more than the read-ahead.
 */
class SpeakCostChannelTest {

    private static final int PTIME = SynthesizerHarness.PTIME;
    private static final String SSML = "application/ssml+xml";
    private static final SynthSettings SETTINGS = new SynthSettings(Duration.ofMillis(200), 2, 100_000);

    private final SynthesizerHarness h = new SynthesizerHarness(SETTINGS, SpeakPlanning.DEFAULTS.withCost(
            new SpeakCost(new ParameterCaps(30, 4096), Duration.ofMinutes(10), Duration.ofSeconds(2))));

    @AfterEach
    void close() {
        h.close();
    }

    private static String breaks(int count, String each) {
        StringBuilder b = new StringBuilder("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\">100.");
        for (int i = 0; i < count; i++) {
            b.append("<break time=\"").append(each).append("\"/>");
        }
        return b.append("100.</speak>").toString();
    }

    @Test
    void aSpeakWhoseBreaksPassTheCapCompletesAtOnceWithTheReason() {
        assertThat(h.request("SPEAK", 1, breaks(3_400, "10s"), "Content-Type", SSML)).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = h.events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).isEqualTo("004 error");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("34000 s", "cap of 600 s");
        h.advanceTo(1000);
        assertThat(h.audio.sent()).isEmpty();
    }

    @Test
    void silenceIsEncodedAsItPlaysNeverMoreThanTheReadAheadQueued() {
        assertThat(h.request("SPEAK", 1, breaks(30, "10s"), "Content-Type", SSML)).isEqualTo("1 200 IN-PROGRESS");
        int most = 0;
        for (long t = 100; t <= 302_000; t += 100) {
            h.advanceTo(t);
            most = Math.max(most, h.audio.queued());
        }
        // 2 s of read-ahead is 100 frames; one 100 ms chunk (5 frames) may land on top
        assertThat(most).as("frames queued ahead of the caller").isBetween(90, 105);
        assertThat(h.audio.sent()).hasSize((300_000 + 200) / PTIME);
        h.advanceTo(303_000);
        assertThat(h.events()).extracting(e -> e.headers().get("Completion-Cause")).containsExactly("000 normal");
    }

    @Test
    void speechPastTheCapIsCutThereWithTheReason() {
        SpeakCost cost = new SpeakCost(ParameterCaps.MODEL, Duration.ofSeconds(1), Duration.ofSeconds(2));
        h.reopen(SETTINGS, SpeakPlanning.DEFAULTS.withCost(cost));
        assertThat(h.request("SPEAK", 1, "3000")).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = h.events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).isEqualTo("004 error");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("reached the cap of 1 s");
    }

    @Test
    void aTimestepsParameterPastTheCapIsRefused() {
        // answered before it is planned: the cap is found while planning, so it ends with SPEAK-COMPLETE
        assertThat(h.request("SPEAK", 1, "1000", "Content-Type", "text/plain", "Vendor-Specific-Parameters",
                "inference_timesteps=100")).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = h.events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).startsWith("004");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("inference_timesteps");
        assertThat(h.engine.requests()).as("refused before the engine").isEmpty();
    }
}
