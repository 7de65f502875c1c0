package io.voxcpm.request;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.audio.StreamLeveler;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * volume; the next sentence in the same voice starts from its final gain, so it holds nothing back.
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

    private static final int CHUNK_MILLIS = 100;

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
        List<Step> steps = new ArrayList<>();
        long maxSamples = budget.maxSamples(engine.sampleRate());
        try {
            flatten(segments, steps);
            long fixed = 0;
            for (Step step : steps) {
                fixed += step instanceof Silence si ? si.samples() : step instanceof Samples sa ? sa.pcm().length : 0;
            }
            if (fixed > maxSamples) {
                throw new SynthesisException(Reason.INVALID_REQUEST, "its pauses and recorded prompts alone last "
                        + fixed / engine.sampleRate() + " s, past the cap of " + budget.maxAudio().toSeconds()
                        + " s of audio per request");
            }
        } catch (SynthesisException e) {
            sink.onError(e);
            return () -> { };
        }
        Playback p = new Playback(steps, sink, marks == null ? MarkListener.NONE : marks, budget, maxSamples);
        p.submit(p::advance);
        return p;
    }

    private sealed interface Step permits Speak, Samples, Silence, MarkAt {
    }

    private record Speak(SynthesisRequest request, double gain) implements Step {
    }

    private record Samples(short[] pcm) implements Step {
    }

    private record Silence(long samples) implements Step {
    }

    private record MarkAt(String name) implements Step {
    }

    /** Prompts are looked up before anything plays, so a missing one fails the request up front. */
    private void flatten(List<Segment> segments, List<Step> steps) throws SynthesisException {
        for (Segment s : segments) {
            if (s instanceof Segment.Speech sp) {
                steps.add(new Speak(sp.request(), sp.prosody().gain()));
            } else if (s instanceof Segment.Pause p) {
                long n = p.duration().toMillis() * engine.sampleRate() / 1000;
                if (n > 0) {
                    steps.add(new Silence(n));
                }
            } else if (s instanceof Segment.Mark m) {
                steps.add(new MarkAt(m.name()));
            } else if (s instanceof Segment.AudioRef a) {
                Optional<short[]> pcm = prompts.find(a.name(), engine.sampleRate());
                if (pcm.isPresent()) {
                    steps.add(new Samples(pcm.get()));
                } else if (!a.fallback().isEmpty()) {
                    flatten(a.fallback(), steps);
                } else {
                    throw new SynthesisException(Reason.URI_FAILURE, "no registered prompt named '" + a.name() + "'");
                }
            } else if (s instanceof Segment.Text) {
                throw new IllegalArgumentException("a plan holds no unplanned text: " + s);
            }
        }
    }

    private final class Playback implements Synthesis {

        private final List<Step> steps;
        private final AudioSink sink;
        private final MarkListener marks;
        private final Budget budget;
        private final long maxSamples;
        private final long maxAheadNanos;
        private final int chunk = Math.max(1, engine.sampleRate() * CHUNK_MILLIS / 1000);
        /** Every sentence of one playback goes to one engine view, so a fallback chain keeps one voice. */
        private final SpeechEngine speaker = engine.forUtterance();
        private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();
        /** The final gain of the last sentence in each voice, which the next one in that voice starts from. */
        private final Map<String, Double> levels = new HashMap<>();
        /** Set at once by cancel(), before its event runs, so nothing already queued reaches the sink. */
        private volatile boolean cancelled;

        // confined to the draining thread
        private boolean done;
        private int pos;
        private long delivered;
        /** Samples of the current silence or prompt step already delivered. */
        private long stepDone;
        /** A wake-up is scheduled: the listener had no room. */
        private boolean waiting;
        private Segmented head;
        private Segmented ahead;

        Playback(List<Step> steps, AudioSink sink, MarkListener marks, Budget budget, long maxSamples) {
            this.steps = steps;
            this.sink = sink;
            this.marks = marks;
            this.budget = budget;
            this.maxSamples = maxSamples;
            this.maxAheadNanos = budget.maxAhead().toNanos();
        }

        @Override
        public void cancel() {
            cancelled = true;
            submit(() -> {
                if (!done) {
                    done = true;
                    cancelInFlight();
                }
            });
        }

        void submit(Runnable event) {
            events.add(event);
            while (draining.compareAndSet(false, true)) {
                try {
                    Runnable r;
                    while ((r = events.poll()) != null) {
                        r.run();
                    }
                } finally {
                    draining.set(false);
                }
                if (events.isEmpty()) {
                    return;
                }
            }
        }

        /** Plays steps until one must wait for the engine. */
        void advance() {
            while (!done && !cancelled) {
                if (head != null) {
                    if (!head.complete) {
                        startAhead();
                        return;
                    }
                    head = null;
                    pos++;
                    continue;
                }
                if (pos == steps.size()) {
                    done = true;
                    sink.onComplete();
                    return;
                }
                Step step = steps.get(pos);
                if (!(step instanceof MarkAt) && mustWait()) {
                    return;
                }
                if (step instanceof Speak) {
                    Segmented next = ahead != null && ahead.index == pos ? ahead : start(pos);
                    ahead = null;
                    head = next;
                    for (short[] c : next.held) {
                        if (!deliver(c)) {
                            return;
                        }
                    }
                    next.held.clear();
                    if (next.error != null) {
                        fail(next.error);
                    }
                    continue;
                }
                // silence and prompts are made one chunk at a time, checking for room before each
                if (step instanceof Silence s) {
                    int n = (int) Math.min(chunk, s.samples() - stepDone);
                    if (!deliver(new short[n])) {
                        return;
                    }
                    stepDone += n;
                    if (stepDone < s.samples()) {
                        continue;
                    }
                } else if (step instanceof Samples s) {
                    int from = (int) stepDone;
                    int to = Math.min(s.pcm().length, from + chunk);
                    if (!deliver(Arrays.copyOfRange(s.pcm(), from, to))) {
                        return;
                    }
                    stepDone = to;
                    if (stepDone < s.pcm().length) {
                        continue;
                    }
                } else if (step instanceof MarkAt m) {
                    marks.onMark(m.name(), delivered);
                }
                stepDone = 0;
                pos++;
            }
        }

        /**
         * Whether the listener has as much queued as the budget allows; then a wake-up comes back (while
         * paused the backlog does not shrink, so it comes back again) and the caller stops for now.
         */
        private boolean mustWait() {
            if (waiting) {
                return true;
            }
            long queued = budget.backlog().aheadNanos();
            if (queued < maxAheadNanos) {
                return false;
            }
            waiting = true;
            budget.backlog().schedule(() -> submit(() -> {
                waiting = false;
                advance();
            }), Math.max(1, queued - maxAheadNanos / 2));
            return true;
        }

        private void startAhead() {
            if (!prefetch || ahead != null) {
                return;
            }
            for (int i = pos + 1; i < steps.size(); i++) {
                if (steps.get(i) instanceof Speak) {
                    ahead = start(i);
                    return;
                }
            }
        }

        private Segmented start(int index) {
            Speak speak = (Speak) steps.get(index);
            String voice = speak.request().voice() + "|" + speak.request().language() + "|"
                    + speak.request().modeName();
            StreamLeveler leveler = level.streams()
                    ? level.leveler(engine.sampleRate(), levels.getOrDefault(voice, Double.NaN)) : null;
            Segmented s = new Segmented(index, speak.gain(), voice, leveler);
            try {
                s.handle = speaker.synthesize(speak.request(), s);
            } catch (RuntimeException e) {
                s.error = new SynthesisException(Reason.ENGINE_FAILURE, "engine " + engine.name() + " failed: " + e, e);
            }
            return s;
        }

        /** Hands audio to the sink up to the budget's cap; false (and the playback ended) when it was reached. */
        private boolean deliver(short[] samples) {
            if (samples.length == 0) {
                return true;
            }
            long room = maxSamples - delivered;
            if (samples.length > room) {
                if (room > 0) {
                    delivered += room;
                    sink.onAudio(Arrays.copyOf(samples, (int) room));
                }
                fail(new SynthesisException(Reason.INVALID_REQUEST, "its audio reached the cap of "
                        + budget.maxAudio().toSeconds() + " s per request; the rest was not spoken"));
                return false;
            }
            delivered += samples.length;
            sink.onAudio(samples);
            return true;
        }

        private void fail(SynthesisException e) {
            done = true;
            cancelInFlight();
            sink.onError(e);
        }

        private void cancelInFlight() {
            for (Segmented s : new Segmented[] {head, ahead}) {
                if (s != null && s.handle != null) {
                    s.handle.cancel();
                }
            }
            head = null;
            ahead = null;
        }

        /** One sentence's synthesis: its callbacks become events of the playback. */
        private final class Segmented implements AudioSink {
            final int index;
            final double gain;
            final String voice;
            /** Null when synthesised audio is played at the engine's level. */
            final StreamLeveler leveler;
            final List<short[]> held = new ArrayList<>();
            Synthesis handle;
            boolean complete;
            SynthesisException error;

            Segmented(int index, double gain, String voice, StreamLeveler leveler) {
                this.index = index;
                this.gain = gain;
                this.voice = voice;
                this.leveler = leveler;
            }

            @Override
            public void onAudio(short[] samples) {
                submit(() -> {
                    if (done || cancelled || complete || error != null) {
                        return;
                    }
                    if (leveler == null) {
                        play(samples);
                    } else {
                        leveler.offer(samples).forEach(this::play);
                    }
                });
            }

            private void play(short[] samples) {
                applyGain(samples, gain);
                if (head == this) {
                    deliver(samples);
                } else {
                    held.add(samples);
                }
            }

            @Override
            public void onComplete() {
                submit(() -> {
                    if (done || error != null) {
                        return;
                    }
                    if (leveler != null && !cancelled && !complete) {
                        leveler.finish().forEach(this::play);
                        levels.put(voice, leveler.gainDb());
                    }
                    complete = true;
                    if (head == this) {
                        advance();
                    }
                });
            }

            @Override
            public void onError(SynthesisException e) {
                submit(() -> {
                    if (done || complete || error != null) {
                        return;
                    }
                    if (head == this) {
                        fail(e);
                    } else {
                        error = e; // reported when its turn comes
                    }
                });
            }
        }
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
