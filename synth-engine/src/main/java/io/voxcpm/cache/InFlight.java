package io.voxcpm.cache;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One synthesis shared by every request for the same key. It is the engine's sink: it keeps every
 * chunk (the replay buffer) and forwards to any number of listeners, each of which may attach late and
 * is first sent what it missed. When the last listener leaves before the end, the engine is cancelled
 * and nothing is stored; when the engine completes, {@code onFinished} gets the whole buffer to store.
 */
final class InFlight implements AudioSink {

    private enum State { RUNNING, COMPLETE, FAILED, ABANDONED }

    private final Object lock = new Object();
    private final List<short[]> chunks = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final Consumer<short[]> onComplete;
    private final Runnable onEnd;
    private State state = State.RUNNING;
    private SynthesisException error;
    private long samples;
    private Synthesis upstream;
    /** What the engine said serves it; told to listeners that attach later too. */
    private volatile String servedBy;

    /**
     * @param onComplete gets all the audio once the engine completes (not after failure or abandonment)
     * @param onEnd      runs when the synthesis fails or is abandoned, so a new request starts afresh
     */
    InFlight(Consumer<short[]> onComplete, Runnable onEnd) {
        this.onComplete = onComplete;
        this.onEnd = onEnd;
    }

    /** Adds a listener; null when this synthesis has been abandoned or failed and cannot serve it. */
    Listener attach(AudioSink sink) {
        synchronized (lock) {
            if (state == State.ABANDONED || state == State.FAILED) {
                return null;
            }
            Listener l = new Listener(sink);
            listeners.add(l);
            String endpoint = servedBy;
            if (endpoint != null) {
                sink.servedBy(endpoint);
            }
            return l;
        }
    }

    /** The engine's handle; cancels it at once if every listener has already left. */
    void started(Synthesis synthesis) {
        boolean abandoned;
        synchronized (lock) {
            upstream = synthesis;
            abandoned = state == State.ABANDONED;
        }
        if (abandoned) {
            synthesis.cancel();
        }
    }

    @Override
    public void servedBy(String endpoint) {
        List<Listener> targets;
        synchronized (lock) {
            servedBy = endpoint;
            targets = List.copyOf(listeners);
        }
        targets.forEach(l -> l.sink.servedBy(endpoint));
    }

    @Override
    public void onAudio(short[] chunk) {
        List<Listener> targets;
        synchronized (lock) {
            if (state != State.RUNNING) {
                return; // a chunk in flight after cancel
            }
            chunks.add(chunk);
            samples += chunk.length;
            targets = List.copyOf(listeners);
        }
        targets.forEach(Listener::drain);
    }

    @Override
    public void onComplete() {
        List<Listener> targets;
        short[] all;
        synchronized (lock) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.COMPLETE;
            targets = List.copyOf(listeners);
            all = new short[(int) samples];
            int at = 0;
            for (short[] c : chunks) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
        }
        targets.forEach(Listener::drain);
        onComplete.accept(all);
    }

    @Override
    public void onError(SynthesisException e) {
        List<Listener> targets;
        synchronized (lock) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.FAILED;
            error = e;
            targets = List.copyOf(listeners);
        }
        onEnd.run();
        targets.forEach(Listener::drain);
    }

    private void detach(Listener l) {
        Synthesis cancel = null;
        synchronized (lock) {
            listeners.remove(l);
            if (listeners.isEmpty() && state == State.RUNNING) {
                state = State.ABANDONED;
                chunks.clear();
                cancel = upstream;
            } else {
                return;
            }
        }
        onEnd.run();
        if (cancel != null) {
            cancel.cancel();
        }
    }

    /** One request's view: a cursor into the buffer, delivered by whichever thread gets there first. */
    final class Listener implements Synthesis {

        private final AudioSink sink;
        private final AtomicInteger pending = new AtomicInteger();
        private int cursor; // touched only by the thread that holds the drain
        private volatile boolean done;

        private Listener(AudioSink sink) {
            this.sink = sink;
        }

        /**
         * Delivers everything not yet delivered. Any thread may call it; the counter makes one thread
         * deliver at a time, and a call that arrives meanwhile makes that thread go round once more, so
         * the sink sees chunks in order and none is lost.
         */
        void drain() {
            if (pending.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!done) {
                    short[] next = null;
                    State s;
                    SynthesisException failure;
                    synchronized (lock) {
                        s = state;
                        failure = error;
                        if (cursor < chunks.size()) {
                            next = chunks.get(cursor++);
                        }
                    }
                    if (next != null) {
                        sink.onAudio(next.clone()); // each sink owns its array
                    } else if (s == State.COMPLETE) {
                        done = true;
                        sink.onComplete();
                    } else if (s == State.FAILED) {
                        done = true;
                        sink.onError(failure);
                    } else {
                        break;
                    }
                }
            } while (pending.decrementAndGet() != 0);
        }

        @Override
        public void cancel() {
            if (!done) {
                done = true;
                detach(this);
            }
        }
    }
}
