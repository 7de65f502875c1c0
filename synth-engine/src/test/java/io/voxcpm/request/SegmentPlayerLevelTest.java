package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.Prosody;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a streamed sentence's first audio reaches the sink with level matching on, chunk by chunk. */
class SegmentPlayerLevelTest {

    private static final int RATE = 16000;
    /** VoxCPM2 streams 160 ms chunks. */
    private static final int CHUNK = RATE * 160 / 1000;

    /**
     * TEST DOUBLE, not an engine: hands the test the sink of its one call, so the test sends each chunk
     * itself, on its own thread, and sees what the player passed on after each.
     */
    private static final class ChunkByChunkEngine implements SpeechEngine {
        final String name;
        final boolean cached;
        AudioSink sink;

        ChunkByChunkEngine(String name, boolean cached) {
            this.name = name;
            this.cached = cached;
        }

        @Override
        public boolean hasAudioFor(SynthesisRequest request) {
            return cached;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int sampleRate() {
            return RATE;
        }

        @Override
        public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
            this.sink = sink;
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    private static short[] speech() {
        short[] s = new short[CHUNK];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) Math.round(1000 * Math.sin(2 * Math.PI * 440 * i / RATE));
        }
        return s;
    }

    /** Plays one sentence in {@code voice}; returns how many chunks the engine sent before the sink heard any. */
    private static int chunksBeforeFirstAudio(LevelMatching level, String voice) throws Exception {
        return chunksBeforeFirstAudio(level, voice, new ChunkByChunkEngine("model", false));
    }

    private static int chunksBeforeFirstAudio(LevelMatching level, String voice, ChunkByChunkEngine engine)
            throws Exception {
        PlaybackSink sink = new PlaybackSink();
        Segment.Speech sentence = new Segment.Speech(new SynthesisRequest("Thank you for calling.", "en-US",
                new VoiceSpec(voice, null, null, null), SynthesisMode.ZERO_SHOT, GenerationParameters.NONE),
                Prosody.NORMAL);
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, false, level).play(List.of(sentence), sink, sink);
        int sent = 0;
        int heardAfter = -1;
        for (int i = 0; i < 10; i++) {
            engine.sink.onAudio(speech());
            sent++;
            if (heardAfter < 0 && sink.samples().length > 0) {
                heardAfter = sent;
            }
        }
        engine.sink.onComplete();
        sink.done.get(5, TimeUnit.SECONDS);
        assertThat(sink.samples()).hasSize(10 * CHUNK);
        return heardAfter;
    }

    @Test
    void aVoiceLevelledInAnEarlierRequestStartsWithTheEnginesFirstChunk() throws Exception {
        LevelMatching level = new LevelMatching(-20, 300);
        assertThat(chunksBeforeFirstAudio(level, "anna")).as("first request: 300 ms of sound held").isEqualTo(2);
        assertThat(chunksBeforeFirstAudio(level, "anna")).as("the same voice again").isEqualTo(1);
        assertThat(chunksBeforeFirstAudio(level, "bert")).as("another voice").isEqualTo(2);
        assertThat(chunksBeforeFirstAudio(new LevelMatching(-20, 300), "anna"))
                .as("what one server learnt is its own").isEqualTo(2);
    }

    @Test
    void aCachedPromptIsHeldAndLevelledTheSameEveryTime() throws Exception {
        // its audio is at hand, so holding costs nothing, and a prompt must not sound different the second time
        LevelMatching level = new LevelMatching(-20, 300);
        assertThat(chunksBeforeFirstAudio(level, "anna")).isEqualTo(2);
        assertThat(chunksBeforeFirstAudio(level, "anna", new ChunkByChunkEngine("model", true))).isEqualTo(2);
    }

    @Test
    void aVoiceHeardFromOneEngineIsNewToAnother() throws Exception {
        // a fallback engine's level for the same voice name says nothing of the model's
        LevelMatching level = new LevelMatching(-20, 300);
        assertThat(chunksBeforeFirstAudio(level, "anna", new ChunkByChunkEngine("embedded", false))).isEqualTo(2);
        assertThat(chunksBeforeFirstAudio(level, "anna", new ChunkByChunkEngine("model", false))).isEqualTo(2);
        assertThat(chunksBeforeFirstAudio(level, "anna", new ChunkByChunkEngine("model", false))).isEqualTo(1);
    }
}
