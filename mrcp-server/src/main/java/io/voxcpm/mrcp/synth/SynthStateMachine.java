package io.voxcpm.mrcp.synth;

import io.voxcpm.mrcp.message.CompletionCause;
import io.voxcpm.mrcp.message.MrcpStatus;
import io.voxcpm.mrcp.message.RequestState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The synthesizer's state (RFC 6787 §8.3): IDLE, SPEAKING or PAUSED, the active SPEAK and the SPEAKs queued
 * behind it. It takes a request or an event, changes state, and returns what the channel must do, in the
 * order it must be done; it has no threads, clocks, I/O or logging, so each transition is a row of a table.
 * Where the RFC leaves room it does what UniMRCP's synthesizer state machine does, because FreeSWITCH and
 * Asterisk were written against that.
 *
 * @param <S> a SPEAK as the channel knows it
 */
final class SynthStateMachine<S extends SynthStateMachine.Job> {

    enum State { IDLE, SPEAKING, PAUSED }

    /** What the state machine needs to know of a SPEAK. */
    interface Job {
        long requestId();

        /** Whether BARGE-IN-OCCURRED stops it (RFC 6787 §8.4.2, inherited from the session). */
        boolean killOnBargeIn();
    }

    /** Something the channel does; the list a transition returns is carried out in order. */
    sealed interface Action<S> permits Respond, Start, Halt, Drop, Pause, Resume, Complete { }

    /**
     * Answer the request: {@code requestIds} becomes Active-Request-Id-List (null or empty: no such header);
     * {@code cause} and {@code reason}, when not null, become Completion-Cause and Completion-Reason.
     */
    record Respond<S>(int status, RequestState state, List<Long> requestIds, CompletionCause cause, String reason)
            implements Action<S> {
        static <S> Respond<S> of(int status, RequestState state) {
            return new Respond<>(status, state, null, null, null);
        }

        static <S> Respond<S> listing(List<Long> requestIds) {
            return new Respond<>(MrcpStatus.SUCCESS, RequestState.COMPLETE, requestIds, null, null);
        }
    }

    /** Start the SPEAK's synthesis and playback; {@code fromQueue} when it waited behind another one. */
    record Start<S>(S speak, boolean fromQueue) implements Action<S> { }

    /**
     * Stop the SPEAK's synthesis and playback at once; the client hears of it in a response, not an event.
     * {@code why} says what ended it; null when a {@link Complete} for it follows.
     */
    record Halt<S>(S speak, SpeakObserver.Stop why) implements Action<S> { }

    /** A SPEAK that was queued and never started leaves the queue for {@code why}, without SPEAK-COMPLETE. */
    record Drop<S>(S speak, SpeakObserver.Stop why) implements Action<S> { }

    /** Hold the SPEAK's playback where it is. */
    record Pause<S>(S speak) implements Action<S> { }

    /** Continue the SPEAK's playback. */
    record Resume<S>(S speak) implements Action<S> { }

    /** Send SPEAK-COMPLETE for the SPEAK; {@code reason} is null for a normal completion. */
    record Complete<S>(S speak, CompletionCause cause, String reason) implements Action<S> { }

    private final int maxPending;
    private final ArrayDeque<S> pending = new ArrayDeque<>();
    /** Volatile only so the channel's {@code speaking()} may be read off its lane; written on the lane alone. */
    private volatile S active;
    private State state = State.IDLE;

    /** @param maxPending SPEAKs that may wait behind the active one; a SPEAK beyond that is refused */
    SynthStateMachine(int maxPending) {
        this.maxPending = maxPending;
    }

    State state() {
        return state;
    }

    /** The SPEAK playing or paused; null while IDLE. */
    S active() {
        return active;
    }

    int pendingCount() {
        return pending.size();
    }

    /** The request ids of the queued SPEAKs, in the order they will start. */
    List<Long> pendingIds() {
        List<Long> ids = new ArrayList<>(pending.size());
        for (S s : pending) {
            ids.add(s.requestId());
        }
        return ids;
    }

    /** A SPEAK that passed admission: it starts now (IN-PROGRESS), waits (PENDING), or the queue is full. */
    List<Action<S>> speak(S speak) {
        if (active == null) {
            activate(speak);
            return List.of(Respond.of(MrcpStatus.SUCCESS, RequestState.IN_PROGRESS), new Start<>(speak, false));
        }
        if (pending.size() >= maxPending) {
            return List.of(new Respond<>(MrcpStatus.METHOD_FAILED, RequestState.COMPLETE, null, CompletionCause.ERROR,
                    "too many queued SPEAK requests"));
        }
        pending.add(speak);
        return List.of(Respond.of(MrcpStatus.SUCCESS, RequestState.PENDING));
    }

    /**
     * STOP: the active SPEAK and the queued ones whose ids are in {@code only} (all when null) stop without
     * SPEAK-COMPLETE and are listed in the response; the first survivor in the queue starts.
     */
    List<Action<S>> stop(Set<Long> only) {
        return stop(only, SpeakObserver.Stop.STOPPED);
    }

    private List<Action<S>> stop(Set<Long> only, SpeakObserver.Stop why) {
        List<Action<S>> actions = new ArrayList<>();
        List<Long> stopped = new ArrayList<>();
        boolean activeStopped = false;
        if (active != null && (only == null || only.contains(active.requestId()))) {
            stopped.add(active.requestId());
            actions.add(new Halt<>(active, why));
            deactivate();
            activeStopped = true;
        }
        for (Iterator<S> it = pending.iterator(); it.hasNext(); ) {
            S s = it.next();
            if (only == null || only.contains(s.requestId())) {
                stopped.add(s.requestId());
                actions.add(new Drop<>(s, why));
                it.remove();
            }
        }
        if (activeStopped) {
            promote(actions);
        }
        actions.add(Respond.listing(stopped));
        return actions;
    }

    /**
     * RFC 6787 §8.10: with Kill-On-Barge-In the active SPEAK and every one queued behind it stop, listed in the
     * response, without SPEAK-COMPLETE; without it the barge-in has no effect (200, no list).
     */
    List<Action<S>> bargeIn() {
        if (active == null || !active.killOnBargeIn()) {
            return List.of(Respond.of(MrcpStatus.SUCCESS, RequestState.COMPLETE));
        }
        return stop(null, SpeakObserver.Stop.BARGED_IN);
    }

    /** PAUSE: 402 while IDLE; otherwise 200 listing the active SPEAK, pausing it unless it already is. */
    List<Action<S>> pause() {
        if (active == null) {
            return List.of(Respond.of(MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
        }
        if (state == State.PAUSED) {
            return List.of(Respond.listing(List.of(active.requestId())));
        }
        state = State.PAUSED;
        return List.of(new Pause<>(active), Respond.listing(List.of(active.requestId())));
    }

    /** RESUME: 402 while IDLE; otherwise 200 listing the active SPEAK, resuming it if it was paused. */
    List<Action<S>> resume() {
        if (active == null) {
            return List.of(Respond.of(MrcpStatus.METHOD_NOT_VALID_IN_STATE, RequestState.COMPLETE));
        }
        if (state == State.SPEAKING) {
            return List.of(Respond.listing(List.of(active.requestId())));
        }
        state = State.SPEAKING;
        return List.of(new Resume<>(active), Respond.listing(List.of(active.requestId())));
    }

    /** The SPEAK's audio has played out: it completes normally and the next queued one starts. */
    List<Action<S>> playedOut(S speak) {
        if (speak != active) {
            return List.of();
        }
        List<Action<S>> actions = new ArrayList<>();
        actions.add(new Complete<>(speak, CompletionCause.NORMAL, null));
        deactivate();
        promote(actions);
        return actions;
    }

    /**
     * The engine gave up on the SPEAK: it ends now with {@code cause}, audio still queued is dropped, and the
     * SPEAKs queued behind it are cancelled (007, RFC 6787 §8.4.11: they were meant to follow this one).
     */
    List<Action<S>> failed(S speak, CompletionCause cause, String reason) {
        if (speak != active) {
            return List.of();
        }
        List<Action<S>> actions = new ArrayList<>();
        actions.add(new Halt<>(speak, null));
        actions.add(new Complete<>(speak, cause, reason));
        for (S next : pending) {
            actions.add(new Complete<>(next, CompletionCause.CANCELLED,
                    "SPEAK " + speak.requestId() + " queued before it failed"));
        }
        pending.clear();
        deactivate();
        return actions;
    }

    /**
     * The SPEAK could not be planned (it was answered before it was planned): it completes now with
     * {@code cause}, playing or queued, and the queue goes on, as if it had been refused in its response.
     */
    List<Action<S>> refused(S speak, CompletionCause cause, String reason) {
        if (pending.remove(speak)) {
            return List.of(new Complete<>(speak, cause, reason));
        }
        if (speak != active) {
            return List.of();
        }
        List<Action<S>> actions = new ArrayList<>();
        actions.add(new Halt<>(speak, null));
        actions.add(new Complete<>(speak, cause, reason));
        deactivate();
        promote(actions);
        return actions;
    }

    /** Nobody can hear these SPEAKs any more (their connection closed): they go without a word. */
    List<Action<S>> forget(Predicate<S> unreachable) {
        List<Action<S>> actions = new ArrayList<>();
        boolean activeLost = active != null && unreachable.test(active);
        if (activeLost) {
            actions.add(new Halt<>(active, SpeakObserver.Stop.CONNECTION_LOST));
            deactivate();
        }
        dropPending(unreachable, SpeakObserver.Stop.CONNECTION_LOST, actions);
        if (activeLost) {
            promote(actions);
        }
        return actions;
    }

    /** The session is over: everything stops, nobody is told. */
    List<Action<S>> close() {
        List<Action<S>> actions = new ArrayList<>();
        if (active != null) {
            actions.add(new Halt<>(active, SpeakObserver.Stop.SESSION_ENDED));
            deactivate();
        }
        dropPending(s -> true, SpeakObserver.Stop.SESSION_ENDED, actions);
        return actions;
    }

    private void dropPending(Predicate<S> which, SpeakObserver.Stop why, List<Action<S>> actions) {
        for (Iterator<S> it = pending.iterator(); it.hasNext(); ) {
            S s = it.next();
            if (which.test(s)) {
                actions.add(new Drop<>(s, why));
                it.remove();
            }
        }
    }

    private void promote(List<Action<S>> actions) {
        S next = pending.poll();
        if (next != null) {
            activate(next);
            actions.add(new Start<>(next, true));
        }
    }

    private void activate(S speak) {
        active = speak;
        state = State.SPEAKING;
    }

    private void deactivate() {
        active = null;
        state = State.IDLE;
    }
}
