package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.Prosody;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentPlayerTest {

    private final RecordingStandInEngine engine = new RecordingStandInEngine();
    private static final short[] CHIME = {5, -5, 5, -5, 5};
    private static final SegmentPlayer.PromptAudio PROMPTS =
            (name, rate) -> name.equals("chime") ? Optional.of(CHIME) : Optional.empty();

    @AfterEach
    void close() {
        engine.close();
    }

    private static Segment.Speech say(String text) {
        return new Segment.Speech(new SynthesisRequest(text, "en-US", VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE), Prosody.NORMAL);
    }

    private static Segment.Speech say(String text, Prosody prosody) {
        return new Segment.Speech(new SynthesisRequest(text, null, VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE), prosody);
    }

    private PlaybackSink play(List<Segment> segments, boolean prefetch) throws Exception {
        PlaybackSink sink = new PlaybackSink();
        new SegmentPlayer(engine, PROMPTS, prefetch).play(segments, sink, sink);
        sink.done.get(10, TimeUnit.SECONDS);
        return sink;
    }

    private static short[] concat(short[]... parts) {
        short[] out = new short[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void segmentsPauseAndPromptsFollowEachOtherExactly(boolean prefetch) throws Exception {
        List<Segment> segments = List.of(say("Hello there."), new Segment.Pause(Duration.ofMillis(250)),
                new Segment.Mark("after-pause"), say("Second sentence, a bit longer."),
                new Segment.AudioRef("chime", List.of(say("never spoken"))), new Segment.Mark("end"), say("Bye."));
        PlaybackSink sink = play(segments, prefetch);

        short[] silence = new short[RecordingStandInEngine.RATE / 4];
        short[] expected = concat(RecordingStandInEngine.pcm("Hello there."), silence,
                RecordingStandInEngine.pcm("Second sentence, a bit longer."), CHIME, RecordingStandInEngine.pcm("Bye."));
        assertThat(sink.samples()).isEqualTo(expected);
        int first = RecordingStandInEngine.pcm("Hello there.").length;
        int second = RecordingStandInEngine.pcm("Second sentence, a bit longer.").length;
        assertThat(sink.events()).containsExactly("mark after-pause@" + (first + silence.length),
                "mark end@" + (first + silence.length + second + CHIME.length), "complete");
        assertThat(engine.requests).extracting(SynthesisRequest::text)
                .containsExactly("Hello there.", "Second sentence, a bit longer.", "Bye.");
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void anErrorEndsTheStreamAfterWhatCameBefore(boolean prefetch) throws Exception {
        PlaybackSink sink = play(List.of(say("First one."), say("This will FAIL."), say("Never.")), prefetch);
        assertThat(sink.done.get()).extracting(SynthesisException::reason).isEqualTo(Reason.ENGINE_FAILURE);
        short[] got = sink.samples();
        short[] first = RecordingStandInEngine.pcm("First one.");
        // all of the first sentence, then at most the one chunk the failing one produced
        assertThat(Arrays.copyOf(got, first.length)).isEqualTo(first);
        assertThat(got.length - first.length).isBetween(0, 7);
        assertThat(sink.events()).containsExactly("error ENGINE_FAILURE");
        boolean prefetched = engine.requests.stream().anyMatch(r -> r.text().equals("Never."));
        assertThat(prefetched).isEqualTo(prefetch && prefetched); // only prefetch may start it...
        if (prefetched) {
            assertThat(engine.cancelled).contains("Never."); // ...and then it is cancelled
        }
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void aSynchronousRejectionIsReportedInTurn(boolean prefetch) throws Exception {
        PlaybackSink sink = play(List.of(say("Fine."), say("REJECT me.")), prefetch);
        assertThat(sink.done.get()).extracting(SynthesisException::reason).isEqualTo(Reason.LANGUAGE_UNSUPPORTED);
        assertThat(sink.samples()).isEqualTo(RecordingStandInEngine.pcm("Fine."));
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void cancelStopsTheInFlightSynthesisAndEverythingAfter(boolean prefetch) throws Exception {
        PlaybackSink sink = new PlaybackSink();
        Synthesis s = new SegmentPlayer(engine, PROMPTS, prefetch)
                .play(List.of(say("Start."), say("HOLD here."), new Segment.Mark("late"), say("After.")), sink, sink);
        assertThat(engine.holding.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.samples().length == RecordingStandInEngine.pcm("Start.").length);
        s.cancel();
        engine.release(); // the held synthesis now delivers everything and completes anyway
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.cancelled.contains("HOLD here."));
        Thread.sleep(200); // give stray callbacks the chance to (wrongly) get through
        assertThat(sink.samples()).isEqualTo(RecordingStandInEngine.pcm("Start."));
        assertThat(sink.events()).isEmpty();
        assertThat(sink.done).isNotDone();
        List<String> asked = engine.requests.stream().map(SynthesisRequest::text).toList();
        if (prefetch) {
            // "After." is prefetched only if Start's completion was handled before the cancel
            assertThat(asked).startsWith("Start.", "HOLD here.").hasSizeLessThanOrEqualTo(3);
            if (asked.contains("After.")) {
                assertThat(engine.cancelled).contains("After.");
            }
        } else {
            assertThat(asked).containsExactly("Start.", "HOLD here.");
        }
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void volumeIsAppliedAndSaturates(boolean prefetch) throws Exception {
        Segment.Speech quiet = say("Quiet.", Prosody.NORMAL.withVolume("-6dB"));
        Segment.Speech loud = say("Loud!", Prosody.NORMAL.withVolume("+12dB"));
        short[] got = play(List.of(quiet, loud), prefetch).samples();
        int q = RecordingStandInEngine.pcm("Quiet.").length;
        assertThat(got[0]).isEqualTo((short) Math.round(RecordingStandInEngine.level("Quiet.") * Math.pow(10, -6 / 20.0)));
        long expectedLoud = Math.round(RecordingStandInEngine.level("Loud!") * Math.pow(10, 12 / 20.0));
        assertThat(got[q]).isEqualTo((short) Math.min(Short.MAX_VALUE, expectedLoud));
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(booleans = {false, true})
    void missingPromptsSpeakTheirFallbackOrFailUpFront(boolean prefetch) throws Exception {
        PlaybackSink sink = play(List.of(new Segment.AudioRef("gone", List.of(say("Instead.")))), prefetch);
        assertThat(sink.samples()).isEqualTo(RecordingStandInEngine.pcm("Instead."));
        PlaybackSink failed = play(List.of(say("Hi."), new Segment.AudioRef("gone", List.of())), prefetch);
        assertThat(failed.done.get()).extracting(SynthesisException::reason).isEqualTo(Reason.URI_FAILURE);
        assertThat(failed.samples()).isEmpty();
        assertThat(engine.requests).extracting(SynthesisRequest::text).doesNotContain("Hi.");
    }
}
