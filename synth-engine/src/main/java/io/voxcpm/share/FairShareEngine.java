package io.voxcpm.share;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.ForwardingSpeechEngine;
import io.voxcpm.engine.RequestContext;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;

/**
 * An engine whose capacity is shared fairly among the sources of its requests ({@link RequestContext#source}: the
 * client host, the PBX a session's INVITE came from), with a bounded wait for a slot instead of an immediate failure when
 * every slot is taken ({@link EngineSlots} says how). Audio already at hand ({@link #hasAudioFor}: a cached
 * prompt) never waits, and neither does a request without a source (a command-line tool, a pre-warm job).
 * Put it outside a fallback chain: the chain's own failover is tried before anything waits.
 */
public final class FairShareEngine extends ForwardingSpeechEngine {

    private final EngineSlots slots;

    /** @param engine the engine shared; closed with this one */
    public FairShareEngine(SpeechEngine engine, FairShare share, SlotTimer timer) {
        this(engine, new EngineSlots(share, timer));
    }

    private FairShareEngine(SpeechEngine engine, EngineSlots slots) {
        super(engine);
        this.slots = slots;
    }

    /** Syntheses of sourced requests the engine is running. */
    public int running() {
        return slots.running();
    }

    /** Syntheses waiting for a slot. */
    public int waiting() {
        return slots.waiting();
    }

    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        String source = request.context().source();
        SpeechEngine engine = delegate();
        if (source == null || engine.hasAudioFor(request)) {
            return engine.synthesize(request, sink);
        }
        return slots.submit(engine, request, sink, source);
    }

    /** The utterance's engine (a chain's sticky choice), sharing these slots. */
    @Override
    protected SpeechEngine decorate(SpeechEngine utterance) {
        return new FairShareEngine(utterance, slots);
    }
}
