package io.voxcpm.server;

import io.voxcpm.cache.CacheStats;
import io.voxcpm.cache.CachingEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.ForwardingSpeechEngine;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.prompt.PromptStore;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.voice.VoiceRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a running server speaks from besides the engine: the voice registry and the catalog SPEAKs resolve names
 * in, the recorded prompts, the prompt cache and the encoded-frame tier. The admin API administers them and the
 * metrics count them; each is known at a different point of start-up (the cache opens with the engine), so each
 * reads empty until then, or for good when the server runs without it.
 */
public final class ServerStores {

    private final PromptStore prompts;
    private volatile VoiceRegistry voiceRegistry;
    private volatile Supplier<PromptCache> promptCache = () -> null;
    private volatile VoiceCatalog catalog = VoiceCatalog.EMPTY;
    private volatile FrameTier frames;

    ServerStores(PromptStore prompts) {
        this.prompts = prompts;
    }

    void voiceRegistry(VoiceRegistry registry) {
        this.voiceRegistry = registry;
    }

    void promptCache(Supplier<PromptCache> cache) {
        this.promptCache = cache;
    }

    /**
     * The engine has loaded: SPEAKs resolve names in {@code catalog} from now on, and the frame tier opens when
     * {@code frameTierMb} > 0 and a prompt cache stands behind the engine's decorators (metrics, fair share), the
     * only thing that can name what a plan sounds like (voice versions, model version). Returns the tier or null.
     */
    FrameTier serve(VoiceCatalog catalog, SpeechEngine loaded, int frameTierMb) {
        this.catalog = catalog;
        frames = ForwardingSpeechEngine.unwrap(loaded, CachingEngine.class) != null && frameTierMb > 0
                ? new FrameTier(frameTierMb * 1024L * 1024L) : null;
        return frames;
    }

    /** The voice registry SPEAKs resolve names in; empty when the server was given an engine without one. */
    public Optional<VoiceRegistry> voiceRegistry() {
        return Optional.ofNullable(voiceRegistry);
    }

    /** What SPEAKs resolve voice names to (the registry as the planner sees it). */
    public VoiceCatalog voiceCatalog() {
        return catalog;
    }

    /** The prompt store ({@code prompts.dir}) that {@code <audio src="prompt:NAME">} plays from. */
    public PromptStore promptStore() {
        return prompts;
    }

    /** The prompt cache behind the engine; empty when it is off (or the engine is still loading). */
    public Optional<PromptCache> promptCache() {
        return Optional.ofNullable(promptCache.get());
    }

    /** The prompt cache's counters; empty when it is off (or the engine has not loaded). */
    public Optional<CacheStats> cacheStats() {
        return promptCache().map(PromptCache::stats);
    }

    /** The encoded-frame tier; empty when it is off (no prompt cache, or frame-tier-mb 0). */
    public Optional<FrameTier> frameTier() {
        return Optional.ofNullable(frames);
    }

    /** The encoded-frame tier's counters; empty when it is off. */
    public Optional<FrameTier.Stats> frameTierStats() {
        return frameTier().map(FrameTier::stats);
    }
}
