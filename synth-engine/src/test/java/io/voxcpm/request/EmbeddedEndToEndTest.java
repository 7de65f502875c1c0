package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A two-voice SSML document planned and spoken by the real MaryTTS engine, end to end. */
class EmbeddedEndToEndTest {

    private static EmbeddedEngine mary;

    @BeforeAll
    static void start() {
        mary = new EmbeddedEngine(1);
    }

    @AfterAll
    static void stop() {
        mary.close();
    }

    /** Passes through to the real engine, remembering what it was asked. */
    private static final class Recording implements SpeechEngine {
        final List<SynthesisRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return mary.name();
        }

        @Override
        public int sampleRate() {
            return mary.sampleRate();
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            requests.add(request);
            return mary.synthesize(request, sink);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void twoVoicesWithABreakAndAMark() throws Exception {
        VoiceCatalog catalog = name -> name.equals("narrator")
                ? Optional.of(new VoiceProfile.Design("A calm older man", Map.of("cfg_value", "1.5")))
                : Optional.empty();
        RequestPlanner planner = new RequestPlanner(catalog, Map.of("inference_timesteps", "10"));
        List<Segment> plan = planner.planSsml("""
                <speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">
                  <voice gender="female" age="30">Welcome to Acme.</voice>
                  <mark name="switch"/><break time="300ms"/>
                  <voice name="narrator">Your call costs <say-as interpret-as="currency">$1.25</say-as>.</voice>
                </speak>""", RequestDefaults.NONE);

        Recording engine = new Recording();
        PlaybackSink sink = new PlaybackSink();
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, true).play(plan, sink, sink);
        assertThat(sink.done.get(30, TimeUnit.SECONDS)).isNull();

        assertThat(engine.requests).hasSize(2);
        assertThat(engine.requests.get(0).text()).isEqualTo("Welcome to Acme.");
        assertThat(engine.requests.get(0).voice().description()).isEqualTo("A woman in her thirties");
        assertThat(engine.requests.get(1).text()).isEqualTo("Your call costs one dollar and twenty-five cents.");
        assertThat(engine.requests.get(1).voice().description()).isEqualTo("A calm older man");
        assertThat(engine.requests).extracting(SynthesisRequest::mode).containsOnly(SynthesisMode.DESIGN);
        assertThat(engine.requests.get(1).generation().asMap()).containsEntry("cfg_value", "1.5")
                .containsEntry("inference_timesteps", "10");

        short[] pcm = sink.samples();
        assertThat(sink.events()).hasSize(2).last().isEqualTo("complete");
        long mark = Long.parseLong(sink.events().get(0).replace("mark switch@", ""));
        int pause = EmbeddedEngine.SAMPLE_RATE * 300 / 1000;
        assertThat(mark).isGreaterThan(EmbeddedEngine.SAMPLE_RATE / 2); // the first sentence was spoken
        assertThat(rms(pcm, 0, (int) mark)).isGreaterThan(100);
        assertThat(rms(pcm, (int) mark, (int) mark + pause)).isZero(); // the break, exactly where the mark is
        assertThat(pcm.length - mark - pause).isGreaterThan(EmbeddedEngine.SAMPLE_RATE); // then the second voice
        assertThat(rms(pcm, (int) mark + pause, pcm.length)).isGreaterThan(100);
    }

    private static double rms(short[] pcm, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) pcm[i] * pcm[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }
}
