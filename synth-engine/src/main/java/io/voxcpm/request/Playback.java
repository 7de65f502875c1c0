package io.voxcpm.request;

import io.voxcpm.audio.LevelMatching;
import io.voxcpm.audio.StreamLeveler;
import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link SegmentPlayer#play} in progress: its steps played in order into one sink, with prefetch, the
 * budget's bounds, level matching and marks as {@link SegmentPlayer} describes them. Engine callbacks become
 * events run one at a time by whichever thread delivers one (see the player's <b>Threads</b>).
 */
final class Playback implements Synthesis {

    private static final int CHUNK_MILLIS = 100;

    private final SpeechEngine engine;
    private final boolean prefetch;
    private final LevelMatching level;

    private final List<PlaybackStep> steps;
    private final AudioSink sink;
    private final SegmentPlayer.MarkListener marks;
    private final SegmentPlayer.Budget budget;
    private final long maxSamples;
    private final long maxAheadNanos;
    private final int chunk;
    /** Every sentence of one playback goes to one engine view, so a fallback chain keeps one voice. */
    private final SpeechEngine speaker;
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

    Playback(SpeechEngine engine, boolean prefetch, LevelMatching level, List<PlaybackStep> steps, AudioSink sink,
             SegmentPlayer.MarkListener marks, SegmentPlayer.Budget budget, long maxSamples) {
        this.engine = engine;
        this.prefetch = prefetch;
        this.level = level;
        this.chunk = Math.max(1, engine.sampleRate() * CHUNK_MILLIS / 1000);
        this.speaker = engine.forUtterance();
        this.steps = steps;
        this.sink = sink;
        this.marks = marks;
        this.budget = budget;
        this.maxSamples = maxSamples;
        this.maxAheadNanos = budget.maxAhead().toNanos();
    }

    /** Plays from the first step; what cannot be played yet continues on engine callbacks and wake-ups. */
    void start() {
        submit(this::advance);
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

    private void submit(Runnable event) {
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
    private void advance() {
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
            PlaybackStep step = steps.get(pos);
            if (!(step instanceof PlaybackStep.MarkAt) && mustWait()) {
                return;
            }
            if (step instanceof PlaybackStep.Speak) {
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
            if (step instanceof PlaybackStep.Silence s) {
                int n = (int) Math.min(chunk, s.samples() - stepDone);
                if (!deliver(new short[n])) {
                    return;
                }
                stepDone += n;
                if (stepDone < s.samples()) {
                    continue;
                }
            } else if (step instanceof PlaybackStep.Samples s) {
                int from = (int) stepDone;
                int to = Math.min(s.pcm().length, from + chunk);
                if (!deliver(Arrays.copyOfRange(s.pcm(), from, to))) {
                    return;
                }
                stepDone = to;
                if (stepDone < s.pcm().length) {
                    continue;
                }
            } else if (step instanceof PlaybackStep.MarkAt m) {
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
            if (steps.get(i) instanceof PlaybackStep.Speak) {
                ahead = start(i);
                return;
            }
        }
    }

    private Segmented start(int index) {
        PlaybackStep.Speak speak = (PlaybackStep.Speak) steps.get(index);
        String voice = speak.request().voice() + "|" + speak.request().language() + "|"
                + speak.request().modeName();
        StreamLeveler leveler = null;
        String learnAs = null;
        if (level.streams()) {
            // what a voice settles at is the engine's too: a fallback engine's level says nothing of the model's
            learnAs = speaker.availability().engine() + "|" + voice;
            // audio already at hand (a cached prompt) costs no wait to hold, and is levelled the same every time
            String remembered = speaker.hasAudioFor(speak.request()) ? null : learnAs;
            leveler = level.leveler(engine.sampleRate(), levels.getOrDefault(voice, Double.NaN), remembered);
        }
        Segmented s = new Segmented(index, speak.gain(), voice, leveler, learnAs);
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
        /** The server-wide name of this voice's level ({@link LevelMatching#remember}); null with level matching off. */
        final String learnAs;
        /** Null when synthesised audio is played at the engine's level. */
        final StreamLeveler leveler;
        final List<short[]> held = new ArrayList<>();
        Synthesis handle;
        boolean complete;
        SynthesisException error;

        Segmented(int index, double gain, String voice, StreamLeveler leveler, String learnAs) {
            this.index = index;
            this.gain = gain;
            this.voice = voice;
            this.learnAs = learnAs;
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
            SegmentPlayer.applyGain(samples, gain);
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
                    level.remember(learnAs, leveler);
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
