package io.voxcpm.engine;

import java.util.Objects;

/**
 * Whether an engine can take a synthesis now, from what it already knows (health checks, circuit
 * breakers, in-flight limits): answering never touches the network or blocks.
 *
 * @param state  what a new request would get
 * @param engine the engine a new request would go to ({@link SpeechEngine#name()})
 * @param reason why the state is not {@link State#READY}, worded for an operator; null when ready
 */
public record Availability(State state, String engine, String reason) {

    public enum State {
        /** The engine (or a chain's first choice) takes new requests. */
        READY,
        /** A chain's first choice cannot take requests; a fallback further down the chain does. */
        FALLBACK,
        /** Nothing can take a request now: each would fail (cached audio still plays). */
        UNAVAILABLE
    }

    public Availability {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(engine, "engine");
    }

    public static Availability ready(String engine) {
        return new Availability(State.READY, engine, null);
    }

    public static Availability unavailable(String engine, String reason) {
        return new Availability(State.UNAVAILABLE, engine, reason);
    }

    /** READY or FALLBACK: a new request will be spoken. */
    public boolean takesRequests() {
        return state != State.UNAVAILABLE;
    }
}
