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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shared fixture of the synthesizer channel tests, on virtual time: the channel's executor is an
 * {@link EmbeddedChannel}'s event loop on a mock ticker (the client's MRCP connection writes there too), the
 * engine answers at once ({@link InstantEngine}) and the audio channel sends one frame per 20 ms of that clock
 * ({@link VirtualAudioChannel}). Requests are sent and answered in one call; events are read back as text.
 */
final class SynthesizerHarness implements AutoCloseable {

    static final int PTIME = 20;
    static final String CHANNEL = "0123abcd@speechsynth";

    final MockTicker ticker = Ticker.newMockTicker();
    final InstantEngine engine = new InstantEngine();
    final EmbeddedChannel wire = EmbeddedMrcpConnection.channel(ticker);
    final MrcpConnection client = EmbeddedMrcpConnection.over(wire);
    final VirtualAudioChannel audio = new VirtualAudioChannel(wire.eventLoop(),
            TelephonyFormat.PCMU_8K.bytesPerFrame(PTIME), PTIME);
    private SynthesizerChannel synth;
    private long nowMs;

    SynthesizerHarness(SynthSettings settings, SpeakPlanning planning) {
        synth = channel(settings, planning);
    }

    /** Closes the channel and opens another with these settings, on the same wire, audio and clock. */
    void reopen(SynthSettings settings, SpeakPlanning planning) {
        synth.close();
        synth = channel(settings, planning);
    }

    private SynthesizerChannel channel(SynthSettings settings, SpeakPlanning planning) {
        return new SynthesizerChannel(CHANNEL, "[0123abcd test]", engine, audio, TelephonyFormat.PCMU_8K, PTIME,
                settings, planning, wire.eventLoop());
    }

    SynthesizerChannel synth() {
        return synth;
    }

    @Override
    public void close() {
        synth.close();
        wire.finishAndReleaseAll();
    }

    static MrcpRequest speakRequest(long id, String text) {
        return MrcpRequest.withText("SPEAK", id, MrcpHeaders.builder().add("Channel-Identifier", CHANNEL)
                .add("Content-Type", "text/plain").build(), text);
    }

    /**
     * Sends a request (a body is {@code text/plain} unless the headers name a Content-Type), runs what it
     * started, and returns the response as {@code id status STATE [Active-Request-Id-List]}.
     */
    String request(String method, long id, String body, String... headers) {
        MrcpHeaders.Builder h = MrcpHeaders.builder().add("Channel-Identifier", CHANNEL);
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        if (body != null && Arrays.stream(headers).noneMatch("Content-Type"::equals)) {
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

    /** GET-PARAMS with no header named: every parameter the session holds. */
    MrcpResponse getParams() {
        synth.onRequest(new MrcpRequest("GET-PARAMS", 50, MrcpHeaders.builder()
                .add("Channel-Identifier", CHANNEL).build()), client);
        wire.runPendingTasks();
        return wire.readOutbound();
    }

    /** The events sent since the last call. */
    List<MrcpEvent> events() {
        wire.runPendingTasks();
        List<MrcpEvent> out = new ArrayList<>();
        for (MrcpMessage m; (m = wire.readOutbound()) != null; ) {
            out.add((MrcpEvent) m);
        }
        return out;
    }

    /** The events sent since the last call, as {@code NAME id STATE cause-or-mark [last mark]}. */
    List<String> messages() {
        List<String> out = new ArrayList<>();
        for (MrcpEvent e : events()) {
            String marker = e.headers().get("Speech-Marker");
            String mark = marker == null || !marker.contains(";") ? "" : " " + marker.substring(marker.indexOf(';') + 1);
            String cause = e.headers().get("Completion-Cause");
            out.add(e.eventName() + " " + e.requestId() + " " + e.state().wireName() + (cause == null ? "" : " " + cause) + mark);
            if (e.eventName().equals(MrcpMethodNames.SPEAK_COMPLETE)) {
                assertThat(e.headers().get("Channel-Identifier")).isEqualTo(CHANNEL);
            }
        }
        return out;
    }

    /** Moves virtual time to {@code ms}, one millisecond at a time, running everything that falls due. */
    void advanceTo(long ms) {
        while (nowMs < ms) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            nowMs++;
            // the second run executes what the timers of the first handed to the executor (a played-out hop)
            wire.runPendingTasks();
            wire.runPendingTasks();
        }
    }
}
