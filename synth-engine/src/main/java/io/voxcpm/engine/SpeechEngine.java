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

    /** Releases the engine's threads and connections. Outstanding syntheses end with an error. */
    @Override
    void close();
}
