package io.voxcpm.server;

import io.voxcpm.engine.ObservedEngine;
import io.voxcpm.engine.SpeechEngine;

/**
 * One engine of the server's chain: as made ({@code raw}, e.g. a WorkerEngine with its endpoints) and as the
 * server calls it (behind the prompt cache, observed for metrics).
 */
public record EngineLink(SpeechEngine raw, ObservedEngine observed) { }
