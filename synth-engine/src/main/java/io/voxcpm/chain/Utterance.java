package io.voxcpm.chain;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;
import java.util.List;

/**
 * The chain as one utterance sees it: the link that delivers the utterance's first audio is pinned, and
 * every later request of the utterance goes to that link alone.
 */
final class Utterance implements SpeechEngine {

    private final EngineChain chain;
    /** The pinned link, or -1 before any audio. Guarded by this. */
    private int pinned = -1;

    Utterance(EngineChain chain) {
        this.chain = chain;
    }

    synchronized int pinned() {
        return pinned;
    }

    /**
     * Link {@code index} has audio for this utterance. The first claim pins it (and is counted and logged);
     * a later one is granted only to the pinned link. False means the audio would change the voice: that
     * can only happen to a request started before the first audio (a prefetched sentence).
     */
    boolean claim(int index, boolean cached, RequestTag tag, List<String> passedOver) {
        synchronized (this) {
            if (pinned >= 0) {
                return pinned == index;
            }
            pinned = index;
        }
        chain.served(index, cached, tag, passedOver);
        return true;
    }

    @Override
    public String name() {
        return chain.name();
    }

    @Override
    public int sampleRate() {
        return chain.sampleRate();
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        ChainSynthesis s = new ChainSynthesis(chain, this, request, sink);
        s.start();
        return s;
    }

    @Override
    public Availability availability() {
        return chain.availability();
    }

    /** Whether the link this request would go to first holds its audio already: the chain's own choice, not made. */
    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        ChainSynthesis.Choice choice = new ChainSynthesis(chain, this, request, null).choose(0);
        return choice != null && choice.cached();
    }

    @Override
    public SpeechEngine forUtterance() {
        return this;
    }

    /** The chain owns the engines. */
    @Override
    public void close() {
    }
}
