package io.voxcpm.cli;

import java.util.List;

/**
 * What a command asks of the engine it opens.
 *
 * @param kind    engine kind, as the server's configuration names it ({@code embedded}, ...)
 * @param threads synthesis threads, for engines that run in-process
 * @param workers model worker endpoints ({@code host:port}) overriding the configured ones; empty: configured
 */
public record EngineOptions(String kind, int threads, List<String> workers) {

    public static final String EMBEDDED = "embedded";

    public EngineOptions {
        workers = workers == null ? List.of() : List.copyOf(workers);
    }

    public EngineOptions(String kind, int threads) {
        this(kind, threads, List.of());
    }
}
