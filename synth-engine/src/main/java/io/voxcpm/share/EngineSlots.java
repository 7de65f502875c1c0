package io.voxcpm.share;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import io.voxcpm.engine.SynthesisException.Reason;
import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's slots as its sources hold them, and the syntheses waiting for one, a queue per source.
 *
 * <p>The engine's capacity is learnt, not configured: a synthesis goes to the engine while nobody waits; one
 * the engine refuses with {@code OVERLOADED} before any audio waits instead of failing, and from then on no
 * synthesis is sent until one of ours ends. Each slot that frees goes to the waiting source that runs the
 * fewest syntheses (the longest waiting first among equals), so a source that holds every slot gets none of
 * the freed ones while another source waits: its share shrinks to the others' as its syntheses end (each is
 * one sentence, seconds). A wait is bounded ({@link FairShare#maxWait}); past it the synthesis fails with
 * {@code OVERLOADED} saying so.
 *
 * <p>One monitor guards the state; the engine and the sinks are called outside it, since an engine may
 * report a refusal from inside {@code synthesize}, on the caller's thread.
 */
final class EngineSlots {

    private static final Logger log = LoggerFactory.getLogger(EngineSlots.class);

    private enum State { WAITING, RUNNING, DONE }

    private final FairShare share;
    private final SlotTimer timer;
    private final Object lock = new Object();
    private final Map<String, Integer> runningBySource = new HashMap<>();
    private final Map<String, ArrayDeque<Ticket>> waitingBySource = new LinkedHashMap<>();
    private int running;
    private int waiting;
    private long seq;
    /** The engine refused a synthesis and none of ours has ended since: no slot is handed out. */
    private boolean full;
    private Runnable pendingRetry;

    EngineSlots(FairShare share, SlotTimer timer) {
        this.share = share;
        this.timer = timer;
    }

    int running() {
        synchronized (lock) {
            return running;
        }
    }

    int waiting() {
        synchronized (lock) {
            return waiting;
        }
    }

    Synthesis submit(SpeechEngine engine, SynthesisRequest request, AudioSink sink, String source) {
        Ticket ticket;
        synchronized (lock) {
            ticket = new Ticket(engine, request, sink, source, seq++, timer.nanoTime() + share.maxWait().toNanos());
            enqueue(ticket, false);
        }
        dispatch();
        synchronized (lock) {
            if (ticket.state == State.WAITING && ticket.timeout == null) {
                arm(ticket); // only a synthesis that really waits costs a timer
            }
        }
        return ticket::cancel;
    }

    /** Hands freed slots to waiting syntheses, the least served source first, while the engine takes them. */
    private void dispatch() {
        while (true) {
            Ticket next;
            synchronized (lock) {
                next = full ? null : pick();
                if (next == null) {
                    return;
                }
                dequeue(next);
                take(next);
            }
            next.start();
        }
    }

    /** Caller holds the lock. The head of the eligible source with the fewest running, the oldest on a tie. */
    private Ticket pick() {
        Ticket best = null;
        int bestRunning = 0;
        for (Map.Entry<String, ArrayDeque<Ticket>> e : waitingBySource.entrySet()) {
            int n = runningBySource.getOrDefault(e.getKey(), 0);
            if (share.maxPerSource() > 0 && n >= share.maxPerSource()) {
                continue;
            }
            Ticket head = e.getValue().peekFirst();
            if (best == null || n < bestRunning || n == bestRunning && head.seq < best.seq) {
                best = head;
                bestRunning = n;
            }
        }
        return best;
    }

    /** Caller holds the lock. */
    private void enqueue(Ticket t, boolean front) {
        ArrayDeque<Ticket> queue = waitingBySource.computeIfAbsent(t.source, s -> new ArrayDeque<>());
        if (front) {
            queue.addFirst(t);
        } else {
            queue.addLast(t);
        }
        waiting++;
        t.state = State.WAITING;
    }

    /** Caller holds the lock. */
    private void arm(Ticket t) {
        t.timeout = timer.schedule(t::expire, Math.max(0, t.deadline - timer.nanoTime()));
    }

    /** Caller holds the lock. */
    private void dequeue(Ticket t) {
        ArrayDeque<Ticket> queue = waitingBySource.get(t.source);
        queue.remove(t);
        if (queue.isEmpty()) {
            waitingBySource.remove(t.source);
        }
        waiting--;
        if (t.timeout != null) {
            t.timeout.run();
            t.timeout = null;
        }
    }

    /** Caller holds the lock. */
    private void take(Ticket t) {
        t.state = State.RUNNING;
        t.attempt++;
        running++;
        runningBySource.merge(t.source, 1, Integer::sum);
    }

    /** Caller holds the lock. */
    private void free(Ticket t) {
        running--;
        runningBySource.computeIfPresent(t.source, (s, n) -> n > 1 ? n - 1 : null);
    }

    /** What a failed wait tells the caller. Caller holds the lock. */
    private String busy(Ticket t) {
        return "no engine capacity within " + share.maxWait().toMillis() + " ms: " + running
                + " syntheses running (" + runningBySource.getOrDefault(t.source, 0) + " for " + t.source + "), "
                + waiting + " waiting";
    }

    /** One synthesis as it waits for a slot, runs, and ends. */
    private final class Ticket {
        final SpeechEngine engine;
        final SynthesisRequest request;
        final AudioSink sink;
        final String source;
        final long seq;
        final long deadline;
        // guarded by the lock
        State state;
        Runnable timeout;
        int attempt;
        boolean heard;
        Synthesis synthesis;

        Ticket(SpeechEngine engine, SynthesisRequest request, AudioSink sink, String source, long seq, long deadline) {
            this.engine = engine;
            this.request = request;
            this.sink = sink;
            this.source = source;
            this.seq = seq;
            this.deadline = deadline;
        }

        void start() {
            int mine;
            synchronized (lock) {
                mine = attempt;
            }
            Synthesis s;
            try {
                s = engine.synthesize(request, new Attempt(this, mine));
            } catch (RuntimeException e) {
                if (end(mine)) {
                    sink.onError(new SynthesisException(Reason.ENGINE_FAILURE, "engine failed: " + e));
                }
                return;
            }
            boolean cancelled;
            synchronized (lock) {
                if (attempt == mine) {
                    synthesis = s;
                }
                cancelled = state == State.DONE && attempt == mine;
            }
            if (cancelled) {
                s.cancel(); // cancelled while synthesize ran: nothing more may reach the caller
            }
        }

        /** The engine refused attempt {@code mine} before any audio: wait again, at the front. */
        boolean requeue(int mine) {
            String failure = null;
            synchronized (lock) {
                if (state != State.RUNNING || attempt != mine || heard) {
                    return state == State.DONE; // cancelled meanwhile: swallow; heard audio: the error stands
                }
                free(this);
                full = true;
                if (timer.nanoTime() - deadline >= 0) {
                    state = State.DONE;
                    failure = busy(this);
                } else {
                    enqueue(this, true);
                    arm(this);
                    if (pendingRetry == null) {
                        // the slots may be held by others (a pre-warm job) or be freed by a cancel the engine
                        // completes later: none of ours ending would tell, so look again soon
                        pendingRetry = timer.schedule(EngineSlots.this::retry, share.idleRetry().toNanos());
                    }
                }
            }
            if (failure != null) {
                log.warn("[{}] {}", request.context().tagOrDash(), failure);
                sink.onError(new SynthesisException(Reason.OVERLOADED, failure));
            }
            return true;
        }

        /** Attempt {@code mine} ended (or was cancelled): its slot goes to the next. True when it was running. */
        boolean end(int mine) {
            synchronized (lock) {
                if (state != State.RUNNING || attempt != mine) {
                    return false;
                }
                state = State.DONE;
                free(this);
                notFull();
            }
            dispatch();
            return true;
        }

        void cancel() {
            Synthesis running;
            synchronized (lock) {
                if (state == State.WAITING) {
                    dequeue(this);
                    state = State.DONE;
                    return;
                }
                if (state != State.RUNNING) {
                    return;
                }
                running = synthesis;
            }
            if (running != null) {
                running.cancel(); // first, so that the engine has the slot back when the next one asks
            }
            end(attempt());
        }

        private int attempt() {
            synchronized (lock) {
                return attempt;
            }
        }

        void expire() {
            String failure;
            synchronized (lock) {
                if (state != State.WAITING) {
                    return;
                }
                dequeue(this);
                state = State.DONE;
                failure = busy(this);
            }
            log.warn("[{}] {}", request.context().tagOrDash(), failure);
            sink.onError(new SynthesisException(Reason.OVERLOADED, failure));
        }
    }

    private void retry() {
        synchronized (lock) {
            pendingRetry = null;
            full = false;
        }
        dispatch();
    }

    /** Caller holds the lock. One of ours ended: its slot is free, and no retry is needed to find that out. */
    private void notFull() {
        full = false;
        if (pendingRetry != null) {
            pendingRetry.run();
            pendingRetry = null;
        }
    }

    /** The sink one attempt of a ticket gives the engine: an attempt the engine refused says nothing more. */
    private final class Attempt implements AudioSink {
        private final Ticket ticket;
        private final int id;

        Attempt(Ticket ticket, int id) {
            this.ticket = ticket;
            this.id = id;
        }

        @Override
        public void onAudio(short[] samples) {
            synchronized (lock) {
                if (ticket.state != State.RUNNING || ticket.attempt != id) {
                    return;
                }
                ticket.heard = true;
            }
            ticket.sink.onAudio(samples);
        }

        @Override
        public void servedBy(String endpoint) {
            ticket.sink.servedBy(endpoint);
        }

        @Override
        public void onComplete() {
            if (ticket.end(id)) {
                ticket.sink.onComplete();
            }
        }

        @Override
        public void onError(SynthesisException error) {
            if (error.reason() == Reason.OVERLOADED && ticket.requeue(id)) {
                return;
            }
            if (ticket.end(id)) {
                ticket.sink.onError(error);
            }
        }
    }
}
