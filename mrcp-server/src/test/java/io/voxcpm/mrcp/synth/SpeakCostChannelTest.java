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
import io.voxcpm.request.ParameterCaps;

/**
 * The break bomb on virtual time: thousands of {@code <break time="10s"/>} fit in one SPEAK. Its total audio
 * is capped (a SPEAK whose breaks alone pass the cap completes 004 at once, with the reason), and silence
 * is encoded only as it is played, so the talkspurt never holds more than the read-ahead.
 */
class SpeakCostChannelTest {

    private static final int PTIME = 20;
    private static final String SSML = "application/ssml+xml";

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
        SpeakCost cost = new SpeakCost(new ParameterCaps(30, 4096), Duration.ofMinutes(10), Duration.ofSeconds(2));
        synth = new SynthesizerChannel("0123abcd@speechsynth", "[0123abcd test]", engine, audio,
                TelephonyFormat.PCMU_8K, PTIME, new SynthSettings(Duration.ofMillis(200), 2, 100_000),
                SpeakPlanning.DEFAULTS.withCost(cost), wire.eventLoop());
    }

    @AfterEach
    void close() {
        synth.close();
        wire.finishAndReleaseAll();
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
        assertThat(request("SPEAK", 1, breaks(3_400, "10s"), "Content-Type", SSML)).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).isEqualTo("004 error");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("34000 s", "cap of 600 s");
        advanceTo(1000);
        assertThat(audio.sent()).isEmpty();
    }

    @Test
    void silenceIsEncodedAsItPlaysNeverMoreThanTheReadAheadQueued() {
        assertThat(request("SPEAK", 1, breaks(30, "10s"), "Content-Type", SSML)).isEqualTo("1 200 IN-PROGRESS");
        int most = 0;
        for (long t = 100; t <= 302_000; t += 100) {
            advanceTo(t);
            most = Math.max(most, audio.queued());
        }
        // 2 s of read-ahead is 100 frames; one 100 ms chunk (5 frames) may land on top
        assertThat(most).as("frames queued ahead of the caller").isBetween(90, 105);
        assertThat(audio.sent()).hasSize((300_000 + 200) / PTIME);
        advanceTo(303_000);
        assertThat(events()).extracting(e -> e.headers().get("Completion-Cause")).containsExactly("000 normal");
    }

    @Test
    void speechPastTheCapIsCutThereWithTheReason() {
        synth.close();
        SpeakCost cost = new SpeakCost(ParameterCaps.MODEL, Duration.ofSeconds(1), Duration.ofSeconds(2));
        synth = new SynthesizerChannel("0123abcd@speechsynth", "[0123abcd test]", engine, audio,
                TelephonyFormat.PCMU_8K, PTIME, new SynthSettings(Duration.ofMillis(200), 2, 100_000),
                SpeakPlanning.DEFAULTS.withCost(cost), wire.eventLoop());
        assertThat(request("SPEAK", 1, "3000")).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).isEqualTo("004 error");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("reached the cap of 1 s");
    }

    @Test
    void aTimestepsParameterPastTheCapIsRefused() {
        // answered before it is planned: the cap is found while planning, so it ends with SPEAK-COMPLETE
        assertThat(request("SPEAK", 1, "1000", "Content-Type", "text/plain", "Vendor-Specific-Parameters",
                "inference_timesteps=100")).isEqualTo("1 200 IN-PROGRESS");
        List<MrcpEvent> events = events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).headers().get("Completion-Cause")).startsWith("004");
        assertThat(events.get(0).headers().get("Completion-Reason")).contains("inference_timesteps");
        assertThat(engine.requests()).as("refused before the engine").isEmpty();
    }

    private String request(String method, long id, String body, String... headers) {
        MrcpHeaders.Builder h = MrcpHeaders.builder().add("Channel-Identifier", "0123abcd@speechsynth");
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        if (body != null && headers.length == 0) {
            h.add("Content-Type", "text/plain");
        }
        synth.onRequest(body == null ? new MrcpRequest(method, id, h.build())
                : MrcpRequest.withText(method, id, h.build(), body), client);
        wire.runPendingTasks();
        MrcpMessage first = wire.readOutbound();
        assertThat(first).isInstanceOf(MrcpResponse.class);
        MrcpResponse r = (MrcpResponse) first;
        return r.requestId() + " " + r.statusCode() + " " + r.state().wireName();
    }

    private List<MrcpEvent> events() {
        wire.runPendingTasks();
        List<MrcpEvent> out = new ArrayList<>();
        for (MrcpMessage m; (m = wire.readOutbound()) != null; ) {
            out.add((MrcpEvent) m);
        }
        return out;
    }

    private void advanceTo(long ms) {
        while (nowMs < ms) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            nowMs++;
            wire.runPendingTasks();
            wire.runPendingTasks();
        }
    }
}
