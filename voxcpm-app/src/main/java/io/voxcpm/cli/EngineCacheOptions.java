package io.voxcpm.cli;

import io.voxcpm.cache.PromptCache;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The engine and the prompt cache a command speaks through, as {@code say}, {@code render} and {@code prewarm} take them. */
public final class EngineCacheOptions {

    @Option(names = "--engine", paramLabel = "KIND", defaultValue = EngineOptions.EMBEDDED,
            description = "Engine kind, as the server is configured (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "Engine threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Prompt cache to read and fill: the server's cache.dir (default data/cache).")
    Path cacheDir = PromptCache.DEFAULT_DIR;

    @Option(names = "--cache-max-mb", paramLabel = "MB", description = "Prompt cache size cap (default 1024).")
    long cacheMaxMb = PromptCache.DEFAULT_MAX_BYTES >> 20;

    public EngineOptions engineOptions() {
        return new EngineOptions(engine, threads);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public PromptCache openCache() throws IOException {
        return PromptCache.open(cacheDir, cacheMaxMb << 20);
    }
}
