package io.voxcpm.engine;

/** Receives the audio of one synthesis, in order, from the engine's thread. */
public interface AudioSink {

    /** A chunk of mono PCM at the engine's sample rate. Ownership of the array passes to the sink. */
    void onAudio(short[] samples);

    /** All audio has been delivered. */
    void onComplete();

    /** The synthesis failed; no further callbacks follow. */
    void onError(SynthesisException error);

    /**
     * What serves this synthesis, for records and metrics: an engine with several places to run (a pool of
     * worker endpoints) names the one it picked before that one's first audio, again if it moves to another
     * before any audio came. Engines that run in one place never call it. Any thread; must not block.
     */
    default void servedBy(String endpoint) {
    }
}
