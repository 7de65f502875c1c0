package io.voxcpm.engine;

import java.util.Objects;

/**
 * An engine in front of another (a cache, a meter, a view that must not close what it wraps): every call
 * goes to the delegate unless a subclass overrides it, so a subclass shows only what it changes.
 *
 * <p>{@link #forUtterance()} is the one method a decorator cannot simply pass on: the delegate's view for
 * one utterance (a fallback chain's pinned link) must be decorated the same way, or the decoration is lost
 * for the whole SPEAK, and not forwarding it at all would let one utterance's sentences go to different
 * engines. So it is written here once, and a subclass says only how to {@link #decorate} a view.
 */
public abstract class ForwardingSpeechEngine implements SpeechEngine {

    private final SpeechEngine delegate;

    protected ForwardingSpeechEngine(SpeechEngine delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The first engine of {@code type} in {@code engine}'s chain of decorators, itself included, or null: what a
     * decorator (metrics, fair share) wraps must still be found by those that ask for it (the frame tier asks
     * for the prompt cache).
     */
    public static <T extends SpeechEngine> T unwrap(SpeechEngine engine, Class<T> type) {
        SpeechEngine e = engine;
        while (!type.isInstance(e)) {
            if (!(e instanceof ForwardingSpeechEngine forwarding)) {
                return null;
            }
            e = forwarding.delegate;
        }
        return type.cast(e);
    }

    /** The engine this one is in front of. */
    protected final SpeechEngine delegate() {
        return delegate;
    }

    /**
     * This decoration around {@code utterance}, the delegate's view for one utterance. The view shares the
     * delegate's resources, so what is returned must share this engine's state and close nothing of its own.
     */
    protected abstract SpeechEngine decorate(SpeechEngine utterance);

    /** This engine when the delegate keeps no state per utterance (it returns itself), else its view, decorated. */
    @Override
    public SpeechEngine forUtterance() {
        SpeechEngine one = delegate.forUtterance();
        return one == delegate ? this : decorate(one);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int sampleRate() {
        return delegate.sampleRate();
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        return delegate.synthesize(request, sink);
    }

    @Override
    public Availability availability() {
        return delegate.availability();
    }

    @Override
    public Support support(SynthesisRequest request) {
        return delegate.support(request);
    }

    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        return delegate.hasAudioFor(request);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
