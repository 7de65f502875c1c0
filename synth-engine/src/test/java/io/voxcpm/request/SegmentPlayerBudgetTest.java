package io.voxcpm.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.GenerationParameters;
import io.voxcpm.engine.SynthesisMode;
import io.voxcpm.engine.SynthesisRequest;
import io.voxcpm.engine.VoiceSpec;
import io.voxcpm.ssml.Prosody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The break bomb: thousands of {@code <break time="10s"/>} in one SPEAK. Its total audio is capped (refused
 * before any audio when the pauses alone pass the cap), and silence is made only as the listener plays it,
 * never more than the budget's read-ahead in front of it.
 */
class SegmentPlayerBudgetTest {

    private static final int RATE = RecordingStandInEngine.RATE;
    private final RecordingStandInEngine engine = new RecordingStandInEngine();

    @AfterEach
    void close() {
        engine.close();
    }

    private static Segment.Speech say(String text) {
        return new Segment.Speech(new SynthesisRequest(text, "en-US", VoiceSpec.DEFAULT, SynthesisMode.ZERO_SHOT,
                GenerationParameters.NONE), Prosody.NORMAL);
    }

    /** A listener that plays at real time on a clock the test moves, with its timers on that clock. */
    private static final class VirtualListener implements SegmentPlayer.Backlog, AudioSink {
        final PlaybackSink sink = new PlaybackSink();
        final AtomicLong samples = new AtomicLong();
        long nowNanos;
        long playedNanos;
        private final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        private final List<Runnable> tasks = new ArrayList<>();

        long deliveredNanos() {
            return samples.get() * 1_000_000_000L / RATE;
        }

        @Override
        public void onAudio(short[] chunk) {
            samples.addAndGet(chunk.length);
        }

        @Override
        public void onComplete() {
            sink.onComplete();
        }

        @Override
        public void onError(SynthesisException error) {
            sink.onError(error);
        }

        @Override
        public synchronized long aheadNanos() {
            return deliveredNanos() - playedNanos;
        }

        @Override
        public synchronized void schedule(Runnable task, long delayNanos) {
            tasks.add(task);
            due.add(new long[] {nowNanos + delayNanos, tasks.size() - 1});
        }

        /** Plays for {@code nanos}, firing the timers that come due on the way. */
        void advance(long nanos) {
            long until = nowNanos + nanos;
            while (true) {
                Runnable next;
                synchronized (this) {
                    long[] d = due.peek();
                    if (d == null || d[0] > until) {
                        break;
                    }
                    due.poll();
                    play(d[0] - nowNanos);
                    next = tasks.get((int) d[1]);
                }
                next.run();
            }
            synchronized (this) {
                play(until - nowNanos);
            }
        }

        private void play(long nanos) {
            nowNanos += nanos;
            playedNanos = Math.min(deliveredNanos(), playedNanos + nanos);
        }
    }

    @Test
    void pausesAlonePastTheCapAreRefusedBeforeAnyAudio() throws Exception {
        List<Segment> bomb = new ArrayList<>();
        for (int i = 0; i < 3_400; i++) {
            bomb.add(say("a"));
            bomb.add(new Segment.Pause(Duration.ofSeconds(10)));
        }
        PlaybackSink sink = new PlaybackSink();
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, false).play(bomb, sink, sink,
                new SegmentPlayer.Budget(Duration.ofMinutes(10), Duration.ofSeconds(3), SegmentPlayer.Backlog.NONE));
        SynthesisException error = sink.done.get(5, TimeUnit.SECONDS);
        assertThat(error).isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(error.getMessage()).contains("pauses", "34000 s", "cap of 600 s");
        assertThat(sink.samples()).isEmpty();
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void speechPastTheCapIsCutThereWithAClearReason() throws Exception {
        // 400 characters = 4000 samples = 0.5 s each; the cap is 1 s
        String sentence = "x".repeat(400);
        PlaybackSink sink = new PlaybackSink();
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, false).play(
                List.of(say(sentence), say(sentence + "y"), say(sentence + "z")), sink, sink,
                new SegmentPlayer.Budget(Duration.ofSeconds(1), Duration.ofSeconds(3), SegmentPlayer.Backlog.NONE));
        SynthesisException error = sink.done.get(10, TimeUnit.SECONDS);
        assertThat(error).isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(error.getMessage()).contains("reached the cap of 1 s");
        assertThat(sink.samples()).hasSize(RATE);
    }

    @Test
    void silenceIsMadeAsItIsPlayedNeverMoreThanTheReadAheadInFront() throws Exception {
        List<Segment> plan = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            plan.add(new Segment.Pause(Duration.ofSeconds(10)));
        }
        plan.add(say("end"));
        VirtualListener listener = new VirtualListener();
        Duration readAhead = Duration.ofSeconds(2);
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, false).play(plan, listener, listener.sink,
                new SegmentPlayer.Budget(Duration.ofMinutes(10), readAhead, listener));
        long chunk = 100_000_000L;
        assertThat(listener.deliveredNanos()).isBetween(readAhead.toNanos(), readAhead.toNanos() + chunk);
        long most = 0;
        for (int step = 0; step < 3_100 && !listener.sink.done.isDone(); step++) {
            listener.advance(100_000_000L);
            most = Math.max(most, listener.aheadNanos());
            if (listener.deliveredNanos() < 300_000_000_000L) {
                assertThat(listener.deliveredNanos()).as("silence made by %d ms of play", listener.nowNanos / 1_000_000)
                        .isLessThanOrEqualTo(listener.nowNanos + readAhead.toNanos() + chunk);
            }
        }
        assertThat(most).isLessThanOrEqualTo(readAhead.toNanos() + chunk);
        assertThat(listener.sink.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(listener.samples.get()).isEqualTo(300L * RATE + "end".length() * RecordingStandInEngine.SAMPLES_PER_CHAR);
        assertThat(engine.requests).hasSize(1);
    }

    @Test
    void theNextSentenceWaitsForRoom() throws Exception {
        String sentence = "x".repeat(800); // 1 s each
        VirtualListener listener = new VirtualListener();
        new SegmentPlayer(engine, SegmentPlayer.PromptAudio.NONE, false).play(
                List.of(say(sentence), say(sentence + "a"), say(sentence + "b"), say(sentence + "c")),
                listener, listener.sink,
                new SegmentPlayer.Budget(Duration.ofMinutes(10), Duration.ofMillis(1500), listener));
        // the first two sentences fill the read-ahead; the third is not asked for until some has played
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> engine.requests.size() == 2
                && listener.deliveredNanos() >= 2_000_000_000L);
        Thread.sleep(200); // real time: the player's thread would ask for the third sentence within it if it were wrong
        assertThat(engine.requests).hasSize(2);
        listener.advance(1_300_000_000L); // down to 0.7 s queued: past the low-water mark of half the read-ahead
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> engine.requests.size() >= 3);
        // play on in 100 ms steps of virtual time until the last sentence is through
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5)).until(() -> {
            listener.advance(100_000_000L);
            return listener.sink.done.isDone();
        });
        assertThat(listener.sink.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(engine.requests).hasSize(4);
    }

    @Test
    void promptsAreMadeAsTheyArePlayedToo() throws Exception {
        short[] minute = new short[60 * RATE];
        SegmentPlayer.PromptAudio prompts = (name, rate) -> Optional.of(minute);
        VirtualListener listener = new VirtualListener();
        new SegmentPlayer(engine, prompts, false).play(List.of(new Segment.AudioRef("hold-music", List.of())),
                listener, listener.sink,
                new SegmentPlayer.Budget(Duration.ofMinutes(10), Duration.ofSeconds(1), listener));
        assertThat(listener.deliveredNanos()).isLessThanOrEqualTo(1_100_000_000L);
        listener.advance(30_000_000_000L);
        assertThat(listener.deliveredNanos()).isBetween(30_000_000_000L, 31_100_000_000L);
    }
}
