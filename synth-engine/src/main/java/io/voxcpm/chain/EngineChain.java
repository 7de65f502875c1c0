package io.voxcpm.chain;

import io.voxcpm.engine.AudioSink;
import io.voxcpm.engine.Availability;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.engine.Synthesis;
import io.voxcpm.engine.SynthesisRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engines in order of preference (say VoxCPM2 workers, then the embedded voice), so that a caller hears a
 * prompt while the model is down, restarting or saturated. Each link is usually a
 * {@link io.voxcpm.cache.CachingEngine} over one engine: the cache is per engine (its keys name the engine
 * that made the audio), the chain is outside.
 *
 * <p><b>Choice.</b> A request goes to the first link that either holds its audio already
 * ({@link SpeechEngine#hasAudioFor}: a prompt cached from that engine plays whatever the engine's state) or
 * is {@linkplain SpeechEngine#availability() available}. So a prompt pre-rendered in the requested voice
 * beats a live synthesis in a fallback voice, and a healthy primary beats a cached fallback rendering. A
 * fallback that would speak in a voice of its own ({@link io.voxcpm.engine.Support#OWN_VOICE}) gets the
 * request in its default voice under {@link FallbackVoices#ANY}, and is skipped under
 * {@link FallbackVoices#DEFAULT_ONLY}.
 *
 * <p><b>Failover.</b> A synthesis that fails before its first chunk with {@code OVERLOADED} or
 * {@code ENGINE_FAILURE} moves to the next link; after audio has gone out, or for a client mistake (bad
 * markup, unknown voice), the error stands. Within one utterance ({@link #forUtterance()}, which the
 * segment player takes per SPEAK) the engine that spoke the first audio speaks every later sentence too,
 * or the utterance fails: never a voice change mid-prompt.
 *
 * <p><b>Visibility.</b> Each utterance spoken by a fallback is logged once at WARN with the session's tag
 * and why the links before it were passed over, and counted in {@link #stats()}; the first utterance the
 * primary speaks again is logged at INFO. {@link #availability()} says which engine new requests go to.
 *
 * <p><b>Recovery</b> needs nothing here: the chain asks each link on every request, so new requests
 * return to the primary as soon as its own health checks say it is back.
 */
public final class EngineChain implements SpeechEngine {

    private static final Logger log = LoggerFactory.getLogger(EngineChain.class);

    private final List<SpeechEngine> links;
    private final FallbackVoices fallbackVoices;
    private final ChainStats stats;
    private final String name;
    /** Set while fallbacks serve, so that the primary's return is logged once. */
    private volatile boolean degraded;

    /**
     * @param links          the engines, first choice first; closed with the chain
     * @param fallbackVoices whether a fallback may speak a voice only an earlier link produces in its own
     */
    public EngineChain(List<? extends SpeechEngine> links, FallbackVoices fallbackVoices) {
        this.links = List.copyOf(links);
        this.fallbackVoices = Objects.requireNonNull(fallbackVoices, "fallbackVoices");
        if (this.links.size() < 2) {
            throw new IllegalArgumentException("a chain needs a primary and at least one fallback");
        }
        int rate = this.links.get(0).sampleRate();
        List<String> names = new ArrayList<>();
        for (SpeechEngine e : this.links) {
            if (e.sampleRate() != rate) {
                // the channel encodes a SPEAK at one rate; resampling here would hide a wrong configuration
                throw new IllegalArgumentException("engines of a chain must share a sample rate: " + e.name()
                        + " has " + e.sampleRate() + " Hz, " + this.links.get(0).name() + " " + rate + " Hz");
            }
            names.add(e.name());
        }
        this.stats = new ChainStats(names);
        this.name = names.get(0) + " (fallback " + String.join(", ", names.subList(1, names.size())) + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int sampleRate() {
        return links.get(0).sampleRate();
    }

    public FallbackVoices fallbackVoices() {
        return fallbackVoices;
    }

    public ChainStats stats() {
        return stats;
    }

    /** The links' names, first choice first. */
    public List<String> engineNames() {
        return links.stream().map(SpeechEngine::name).toList();
    }

    /** One request as its own utterance. */
    @Override
    public Synthesis synthesize(SynthesisRequest request, AudioSink sink) {
        return forUtterance().synthesize(request, sink);
    }

    /** Whether the link a request would go to holds its audio already (see {@link Utterance#hasAudioFor}). */
    @Override
    public boolean hasAudioFor(SynthesisRequest request) {
        return new Utterance(this).hasAudioFor(request);
    }

    /** A view whose requests all go to the engine that spoke the first audio among them. */
    @Override
    public SpeechEngine forUtterance() {
        return new Utterance(this);
    }

    /**
     * READY when the first link takes requests; FALLBACK, naming the link that does and why those before it
     * do not, when a later one does; UNAVAILABLE with every link's reason when none does.
     */
    @Override
    public Availability availability() {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            Availability a = links.get(i).availability();
            if (a.takesRequests()) {
                return i == 0 ? a : new Availability(Availability.State.FALLBACK, a.engine(),
                        String.join("; ", reasons));
            }
            reasons.add(a.engine() + " unavailable: " + a.reason());
        }
        return Availability.unavailable(links.get(0).name(), String.join("; ", reasons));
    }

    /** Closes the links, last first. */
    @Override
    public void close() {
        for (int i = links.size() - 1; i >= 0; i--) {
            try {
                links.get(i).close();
            } catch (RuntimeException e) {
                log.warn("closing engine {}: {}", links.get(i).name(), e.toString());
            }
        }
    }

    int size() {
        return links.size();
    }

    SpeechEngine link(int index) {
        return links.get(index);
    }

    /**
     * The first audio of an utterance came from link {@code index} (from its cache when {@code cached}):
     * count it, and say so if it is a fallback.
     */
    void served(int index, boolean cached, RequestTag tag, List<String> passedOver) {
        stats.countServed(index);
        if (index > 0) {
            degraded = true;
            tag.run(() -> log.warn("{}SPEAK served by fallback engine {}: {}", tag.prefix(), links.get(index).name(),
                    passedOver.isEmpty() ? "engines before it could not take it" : String.join("; ", passedOver)));
        } else if (degraded && !cached) {
            degraded = false;
            tag.run(() -> log.info("{}SPEAK served by {} again: the primary engine is back", tag.prefix(),
                    links.get(0).name()));
        }
    }
}
