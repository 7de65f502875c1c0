package io.voxcpm.server;

import io.voxcpm.engine.SynthesisObserver;
import io.voxcpm.mrcp.synth.SpeakObserver;

/** What the server tells the operations side (metrics, synthesis records) as calls go; null: nothing. */
public record Observers(SessionObserver sessions, SpeakObserver speaks, SynthesisObserver syntheses) {

    public static final Observers NONE = new Observers(null, null, null);

    public Observers {
        sessions = sessions == null ? SessionObserver.NONE : sessions;
        speaks = speaks == null ? SpeakObserver.NONE : speaks;
        syntheses = syntheses == null ? SynthesisObserver.NONE : syntheses;
    }
}
