package io.voxcpm.request;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Plays planned {@link Segment}s through one engine into one {@link AudioSink}, seamlessly: the audio of
 * sentence 1, the silence of a pause (zeros at the engine's rate), sentence 2, ... then one
 * {@code onComplete}. Marks are reported with the number of samples delivered before them.
 *
 * <p><b>Prefetch.</b> With prefetch on, the next sentence is started as soon as the current one starts
 * and its audio is held until the current one ends, so the gap between sentences is the engine's
 * first-chunk latency only when generation is slower than real time. It keeps up to two syntheses per
 * playback in flight (twice the engine load at a sentence boundary); off, the next starts when the
 * current completes.
 *
 * <p><b>Failure.</b> The first error of a sentence that is playing ends the stream with that error
 * (an error of the prefetched one waits until its turn, so the current sentence is heard to its end);
 * the other synthesis is cancelled. {@link Synthesis#cancel()} cancels what is in flight and stops: no
 * callback follows.
 *
 * <p><b>Budget.</b> A {@link Budget} bounds one playback: its total audio (a request of thousands of
 * {@code <break>}s is hours of silence in a few KB), refused up front when its pauses and prompts alone pass
 * the cap and cut where it is reached otherwise, and how far it runs ahead of its listener: silence and
 * prompt audio are made 100 ms at a time only while the {@link Backlog} has room, and no new sentence is
 * sent to the engine while it has none (the engine is pushed back a sentence at a time; a sentence
 * already being generated still streams in whole).
 *
 * <p><b>Level.</b> With {@link LevelMatching} on, each sentence's audio passes through a {@link StreamLeveler}
 * (per-sentence gain from a short look-ahead, then slow adaptation, never clipping) before the prosody
 * volume; the next sentence in the same voice starts from its final gain, so it holds nothing back, and a
 * voice the {@link LevelMatching} levelled in an earlier request holds only its first 100 ms of sound.
 * Recorded prompts come already matched ({@link PromptAudio}), silence is silence.
 *
 * <p><b>Threads.</b> No thread of its own and no lock: engine callbacks are queued and run one at a time
 * by whichever thread delivers one while no other is running them (as a serialising executor does), so
 * the sink and the mark listener see one call at a time, in order, and engine calls are never made
 * while holding a lock an engine thread could wait on.
 */
public final class SegmentPlayer {

    /** Told when playback reaches a {@code <mark>}. */
    @FunctionalInterface
    public interface MarkListener {
        MarkListener NONE = (name, offset) -> { };

        /**
         * @param sampleOffset samples delivered to the sink before the mark, at the engine's rate
         */
        void onMark(String name, long sampleOffset);
    }

    /** The registered prompt recordings {@code <audio>} may play. */
    @FunctionalInterface
    public interface PromptAudio {
        PromptAudio NONE = (name, rate) -> Optional.empty();

        /**
         * The prompt's PCM (mono, 16-bit) at {@code sampleRate}, or empty when there is no such prompt.
         * Called once per reference when playback starts; the array is not modified.
         *
         * @throws SynthesisException when the prompt exists but cannot be read
         */
        Optional<short[]> find(String name, int sampleRate) throws SynthesisException;

        /**
         * A count that grows whenever a prompt is added or removed in this process, so what was worked out
         * from the prompts can tell it is stale without reading them; 0 for a store that never changes.
         */
        default long changes() {
            return 0;
        }
    }

    /** How much audio the listener still has queued, and a timer to come back when it has played some. */
    public interface Backlog {
        /** No listener to wait for: audio is handed over as fast as it is made. */
        Backlog NONE = new Backlog() {
            @Override
            public long aheadNanos() {
                return 0;
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                task.run();
            }
        };

        /** Audio handed over and not yet played (it does not shrink while the listener is paused). Cheap. */
        long aheadNanos();

        /** Runs {@code task} once after {@code delayNanos}, on any thread. */
        void schedule(Runnable task, long delayNanos);
    }

    /**
     * The bounds of one playback.
     *
     * @param maxAudio the most audio it may make, silence and prompts included
     * @param maxAhead the most audio queued ahead of the listener before the player waits
     * @param backlog  what the listener has queued
     */
    public record Budget(Duration maxAudio, Duration maxAhead, Backlog backlog) {
        /** No cap, never waits: audio as fast as it is made. */
        public static final Budget UNLIMITED = new Budget(Duration.ofNanos(Long.MAX_VALUE), Duration.ofNanos(Long.MAX_VALUE),
                Backlog.NONE);

        public Budget {
            Objects.requireNonNull(backlog, "backlog");
            if (maxAudio.isNegative() || maxAudio.isZero() || maxAhead.isNegative() || maxAhead.isZero()) {
                throw new IllegalArgumentException("a playback budget must be positive: " + maxAudio + ", " + maxAhead);
            }
        }

        long maxSamples(int sampleRate) {
            return maxAudio.getSeconds() >= Long.MAX_VALUE / sampleRate / 2 ? Long.MAX_VALUE
                    : maxAudio.toMillis() * sampleRate / 1000;
        }
    }

    private final SpeechEngine engine;
    private final PromptAudio prompts;
    private final boolean prefetch;
    private final LevelMatching level;

    /** A player that plays synthesised audio at the engine's own level. */
    public SegmentPlayer(SpeechEngine engine, PromptAudio prompts, boolean prefetch) {
        this(engine, prompts, prefetch, LevelMatching.OFF);
    }

    public SegmentPlayer(SpeechEngine engine, PromptAudio prompts, boolean prefetch, LevelMatching level) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        this.prefetch = prefetch;
        this.level = Objects.requireNonNull(level, "level");
    }

    /**
     * Starts playing. Never throws for a bad request: a prompt that cannot be played (and has no
     * fallback) is reported as {@link Reason#URI_FAILURE} through {@code sink.onError} before this returns.
     */
    public Synthesis play(List<Segment> segments, AudioSink sink, MarkListener marks) {
        return play(segments, sink, marks, Budget.UNLIMITED);
    }

    /**
     * Starts playing within {@code budget}. A plan whose pauses and prompts alone pass
     * {@link Budget#maxAudio()} is refused ({@link Reason#INVALID_REQUEST}) before any audio; one whose speech
     * passes it plays up to the cap and then ends with {@link Reason#INVALID_REQUEST}.
     */
    public Synthesis play(List<Segment> segments, AudioSink sink, MarkListener marks, Budget budget) {
        List<PlaybackStep> steps;
        long maxSamples = budget.maxSamples(engine.sampleRate());
        try {
            steps = PlaybackStep.of(segments, prompts, engine.sampleRate());
            long fixed = PlaybackStep.fixedSamples(steps);
            if (fixed > maxSamples) {
                throw new SynthesisException(Reason.INVALID_REQUEST, "its pauses and recorded prompts alone last "
                        + fixed / engine.sampleRate() + " s, past the cap of " + budget.maxAudio().toSeconds()
                        + " s of audio per request");
            }
        } catch (SynthesisException e) {
            sink.onError(e);
            return () -> { };
        }
        Playback p = new Playback(engine, prefetch, level, steps, sink, marks == null ? MarkListener.NONE : marks,
                budget, maxSamples);
        p.start();
        return p;
    }

    /** Scales in place, saturating: the sink owns the chunk, and volume above 0 dB must not wrap around. */
    static void applyGain(short[] samples, double gain) {
        if (gain == 1.0) {
            return;
        }
        for (int i = 0; i < samples.length; i++) {
            long v = Math.round(samples[i] * gain);
            samples[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
    }
}
