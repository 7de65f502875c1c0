package io.voxcpm.engine;

/** Receives the audio of one synthesis, in order, from the engine's thread. */
public interface AudioSink {

    /** A chunk of mono PCM at the engine's sample rate. Ownership of the array passes to the sink. */
    void onAudio(short[] samples);

    /** All audio has been delivered. */
    void onComplete();

    /** The synthesis failed; no further callbacks follow. */
    void onError(SynthesisException error);
}
