package io.voxcpm.mrcp.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.voxcpm.audio.EncodedFrames;
import io.voxcpm.audio.TelephonyEncoder;
import io.voxcpm.audio.TelephonyFormat;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.mrcp.server.EmbeddedMrcpConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One SPEAK's playback on virtual time: both frame sources, the frames it hands back, CONTROL jumps. */
class SpeakPlaybackTest {

    private static final int PTIME = 20;
    private static final int FRAME_BYTES = TelephonyFormat.PCMU_8K.bytesPerFrame(PTIME);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final EmbeddedChannel loop = EmbeddedMrcpConnection.channel(ticker);
    private final VirtualAudioChannel audio = new VirtualAudioChannel(loop.eventLoop(), FRAME_BYTES, PTIME);
    private final List<Integer> playedOut = new ArrayList<>();
    private int encoded;
    private final SpeakPlayback.Events events = new SpeakPlayback.Events() {
        @Override
        public void encoded() {
            encoded++;
        }

        @Override
        public void playedOut(int generation) {
            playedOut.add(generation);
        }

        @Override
        public void failed(SynthesisException error) {
            throw new AssertionError(error);
        }
    };

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    @Test
    void readyFramesAreSharedNotCopiedAndStartOnTheNextTick() {
        EncodedFrames ready = EncodedFrames.of(TelephonyFormat.PCMU_8K, PTIME, frames(10));
        SpeakPlayback playback = new SpeakPlayback(audio, ticker, PTIME, 1000, events);
        playback.playFrames(ready);
        assertThat(audio.played()).as("handed to the channel as they are").singleElement().isSameAs(ready);
        assertThat(audio.talkspurts()).as("one talkspurt: none begun empty before the frames").isEqualTo(1);
        advance(PTIME);
        assertThat(audio.sent()).hasSize(1);
        assertThat(audio.sent().get(0).frame()).isEqualTo(ready.frame(0));
        assertThat(audio.sent().get(0).marker()).isTrue();
        advance(9 * PTIME);
        assertThat(audio.sent()).extracting(VirtualAudioChannel.Sent::frame).containsExactlyElementsOf(frames(10));
        assertThat(playedOut).containsExactly(0);
        assertThat(playback.complete(0)).isTrue();
        assertThat(playback.encodedFrames()).as("the supplier of ready frames already has them").isEmpty();
    }

    @Test
    void heldFramesWaitForTheReleaseAndAClientPauseOutlastsIt() {
        EncodedFrames ready = EncodedFrames.of(TelephonyFormat.PCMU_8K, PTIME, frames(10));
        SpeakPlayback playback = new SpeakPlayback(audio, ticker, PTIME, 1000, events);
        playback.hold();
        playback.playFrames(ready);
        assertThat(audio.talkspurts()).isEqualTo(1);
        advance(5 * PTIME);
        assertThat(audio.sent()).as("nothing before the IN-PROGRESS response has left").isEmpty();
        assertThat(playback.position()).isZero();
        playback.release();
        advance(PTIME);
        assertThat(audio.sent()).singleElement().satisfies(s -> {
            assertThat(s.frame()).isEqualTo(ready.frame(0));
            assertThat(s.marker()).isTrue();
        });
        playback.hold();
        playback.pause();
        playback.release();
        advance(3 * PTIME);
        assertThat(audio.sent()).as("the client's PAUSE still holds").hasSize(1);
        playback.resume();
        advance(9 * PTIME);
        assertThat(audio.sent()).extracting(VirtualAudioChannel.Sent::frame).containsExactlyElementsOf(frames(10));
        assertThat(playedOut).containsExactly(0);
    }

    @Test
    void everyEncodedFrameIsHandedBackAsSoonAsTheEngineIsDoneAndBeforeTheyHaveAllPlayed() {
        SpeakPlayback playback = new SpeakPlayback(audio, ticker, PTIME, 1000, events);
        AudioSink sink = playback.encoding(new TelephonyEncoder(8000, TelephonyFormat.PCMU_8K, PTIME));
        short[] pcm = new short[8000 / 2];
        Arrays.fill(pcm, (short) 3000);
        sink.onAudio(pcm);
        assertThat(playback.encodedFrames()).as("not while the engine is still speaking").isEmpty();
        assertThat(encoded).isZero();
        sink.onComplete();
        assertThat(encoded).isEqualTo(1);
        List<byte[]> frames = playback.encodedFrames();
        assertThat(frames).hasSize(25);
        advance(25 * PTIME);
        assertThat(playedOut).containsExactly(0);
        assertThat(frames).containsExactlyElementsOf(audio.sent().stream().map(VirtualAudioChannel.Sent::frame).toList());
        assertThat(playback.complete(0)).isTrue();
        assertThat(playback.encodedFrames()).as("nothing after the end").isEmpty();
    }

    @Test
    void aJumpReplacesTheTalkspurtAndTheOldOneCannotCompleteTheSpeak() {
        SpeakPlayback playback = new SpeakPlayback(audio, ticker, PTIME, 1000, events);
        EncodedFrames ready = EncodedFrames.of(TelephonyFormat.PCMU_8K, PTIME, frames(50));
        playback.playFrames(ready);
        advance(10 * PTIME);
        assertThat(playback.position()).isEqualTo(10);
        SpeakPlayback.Jump back = playback.jump(false, -25);
        assertThat(back.restarted()).as("a jump before the start restarts").isTrue();
        assertThat(back.target()).isZero();
        advance(PTIME);
        assertThat(audio.sent().get(10).marker()).isTrue();
        assertThat(playback.complete(0)).as("talkspurt 0 was replaced").isFalse();
        advance(49 * PTIME);
        assertThat(playedOut).containsExactly(1);
        assertThat(audio.sent()).hasSize(60);
        assertThat(audio.played()).as("the jump reads the same set again").containsExactly(ready, ready);
    }

    @Test
    void framesLetGoByTheRetentionLimitCannotBeJumpedTo() {
        SpeakPlayback playback = new SpeakPlayback(audio, ticker, PTIME, 8, events);
        AudioSink sink = playback.encoding(new TelephonyEncoder(8000, TelephonyFormat.PCMU_8K, PTIME));
        sink.onAudio(new short[8000]); // 50 frames; only the newest are kept
        advance(30 * PTIME);
        SpeakPlayback.Jump restart = playback.jump(true, 0);
        assertThat(restart.done()).isFalse();
        assertThat(restart.firstRetained()).isPositive();
        assertThat(playback.jump(false, 18).done()).as("forward, within what is kept").isTrue();
    }

    private static List<byte[]> frames(int n) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[FRAME_BYTES];
            Arrays.fill(f, (byte) i);
            frames.add(f);
        }
        return List.copyOf(frames);
    }

    private void advance(long ms) {
        for (long i = 0; i < ms; i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
        }
    }
}
