package io.voxcpm.cli;

/**
 * What a command asks of the engine it opens.
 *
 * @param kind    engine kind, as the server's configuration names it ({@code embedded}, ...)
 * @param threads synthesis threads, for engines that run in-process
 */
public record EngineOptions(String kind, int threads) {

    public static final String EMBEDDED = "embedded";
}
