package io.voxcpm.admin;

import io.voxcpm.bridge.RegistryVoices;
import io.voxcpm.bridge.VllmOmniEngine;
import io.voxcpm.bridge.VoiceSample;
import io.voxcpm.bridge.WorkerEngine;
import io.voxcpm.cache.FrameTier;
import io.voxcpm.cache.PromptCache;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.ops.http.HttpError;
import io.voxcpm.server.Engines;
import io.voxcpm.server.EngineConfig;
import io.voxcpm.server.VoxcpmMrcpServer;
import io.voxcpm.voice.Voice;
import io.voxcpm.voice.VoiceAuditLog;
import io.voxcpm.voice.VoiceRegistry;
import io.voxcpm.voice.VoiceStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Removing a voice so that nothing of it stays: the model workers forget its recordings first (when one cannot
 * be reached the voice stays registered, unless forced, so the removal can be finished later), then the
 * registry drops it (the commit, recorded in the audit log), then its prompt-cache entries and its encoded
 * frames are purged (after the registry, so a call speaking it meanwhile cannot refill them).
 */
final class VoiceRemoval {

    /** Makes the workers (or the vLLM-Omni speaker store) forget recordings; one line per server. */
    @FunctionalInterface
    interface Forgetter {
        List<String> forget(List<Voice> versions) throws IOException;
    }

    private final VoiceRegistry registry;
    private final Supplier<Optional<PromptCache>> cache;
    private final Supplier<Optional<FrameTier>> frames;
    private final Forgetter workers;

    VoiceRemoval(VoiceRegistry registry, Supplier<Optional<PromptCache>> cache, Supplier<Optional<FrameTier>> frames,
                 Forgetter workers) {
        this.registry = registry;
        this.cache = cache;
        this.frames = frames;
        this.workers = workers;
    }

    static VoiceRemoval of(VoxcpmMrcpServer server, VoiceRegistry registry) {
        return new VoiceRemoval(registry, server.stores()::promptCache, server.stores()::frameTier,
                versions -> forgetOnEngines(server.config().engine(), versions));
    }

    /**
     * @param existed whether there was such a voice (nothing else is set when not)
     */
    record Result(boolean existed, String name, List<String> workers, long cacheEntries, long cacheBytes, int frames) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("removed", name);
            m.put("workers", workers);
            m.put("cache_entries_purged", cacheEntries);
            m.put("cache_bytes_purged", cacheBytes);
            m.put("frame_entries_purged", frames);
            return m;
        }
    }

    Result remove(String name, VoiceAuditLog.Actor actor, boolean force) throws IOException {
        List<Voice> versions = registry.versions(name).stream().filter(VoiceStatus.Ok.class::isInstance)
                .map(s -> ((VoiceStatus.Ok) s).voice()).toList();
        List<String> reached = new ArrayList<>();
        if (!versions.isEmpty()) {
            try {
                reached.addAll(workers.forget(versions));
            } catch (IOException | RuntimeException e) {
                if (!force) {
                    throw new HttpError(502, "workers_unreachable", e.getMessage() + "; " + name + " is still registered:"
                            + " try again once the workers are reachable, or with ?force=true to remove it anyway");
                }
                reached.add("forced past: " + e.getMessage());
            }
        }
        if (!registry.remove(name, actor, reached.isEmpty() ? null : String.join("; ", reached))) {
            return new Result(false, name, List.of(), 0, 0, 0);
        }
        PromptCache.Purged purged = cache.get().isPresent() ? cache.get().get().purgeVoice(name) : new PromptCache.Purged(0, 0);
        int frameCount = frames.get().map(f -> f.purgeVoice(name)).orElse(0);
        return new Result(true, name, reached, purged.entries(), purged.bytes(), frameCount);
    }

    /** The engines of the configured chain that keep voices (workers, vLLM-Omni), each opened to forget. */
    static List<String> forgetOnEngines(EngineConfig config, List<Voice> versions) throws IOException {
        List<VoiceSample> samples = versions.stream().map(RegistryVoices::sample).flatMap(Optional::stream).toList();
        List<String> lines = new ArrayList<>();
        if (samples.isEmpty()) {
            return lines;
        }
        for (EngineConfig one : config.chain()) {
            if (!one.kind().equals("worker") && !one.kind().equals("vllm")) {
                continue;
            }
            try (SpeechEngine engine = Engines.create(one)) {
                if (engine instanceof WorkerEngine w) {
                    lines.addAll(w.forgetVoices(samples));
                } else if (engine instanceof VllmOmniEngine v) {
                    lines.addAll(v.forgetVoices(samples));
                }
            } catch (VoxcpmMrcpServer.StartupException e) {
                throw new IOException("cannot open the " + one.kind() + " engine: " + e.getMessage(), e);
            }
        }
        return lines;
    }
}
