package io.voxcpm.engine;

/**
 * A text-to-speech engine: one request in, mono signed 16-bit PCM out, streamed as it is produced.
 *
 * <p>Implementations must not block the caller of {@link #synthesize}: the work runs on the engine's
 * own bounded executor (or remotely), and audio is pushed to the {@link AudioSink} in order.
 */
public interface SpeechEngine extends AutoCloseable {

    /** Short identifier used in logs and cache keys, e.g. {@code embedded-marytts} or {@code voxcpm2}. */
    String name();

    /** Sample rate of every chunk this engine emits (mono, signed 16-bit). */
    int sampleRate();

    /**
     * Starts synthesising. Exactly one of {@link AudioSink#onComplete()} or
     * {@link AudioSink#onError(SynthesisException)} ends the stream, unless the synthesis is cancelled.
     */
    Synthesis synthesize(SynthesisRequest request, AudioSink sink);

    /**
     * Whether a synthesis started now would be taken, from what the engine already knows (health checks,
     * circuit breakers, in-flight limits). Never blocks. An engine without such signals is always ready
     * and reports failures through its syntheses.
     */
    default Availability availability() {
        return Availability.ready(name());
    }

    /** How this engine would speak {@code request}: as asked, in a voice of its own, or not at all. */
    default Support support(SynthesisRequest request) {
        return Support.AS_ASKED;
    }

    /**
     * Whether {@code request}'s audio is already at hand (a prompt cache), so that it plays whatever
     * {@link #availability()} says. Cheap: an index lookup, no I/O.
     */
    default boolean hasAudioFor(SynthesisRequest request) {
        return false;
    }

    /**
     * The engine to send every segment of one utterance (one SPEAK) to, so that they are spoken in one
     * voice: an engine that chooses among others per request (a fallback chain) returns a view that keeps
     * the choice made by the first audio. Call once per utterance; most engines return themselves.
     */
    default SpeechEngine forUtterance() {
        return this;
    }

    /** Releases the engine's threads and connections. Outstanding syntheses end with an error. */
    @Override
    void close();
}
