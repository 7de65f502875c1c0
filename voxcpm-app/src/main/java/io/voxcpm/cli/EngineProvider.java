package io.voxcpm.cli;

import io.voxcpm.cache.PromptCache;
import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.engine.SpeechEngine;
import io.voxcpm.voice.Voice;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens the engine the {@code say} and {@code render} commands speak with. The server's CLI supplies
 * one that knows its configured engines and voice registry; without it the commands use
 * {@link #embedded()}.
 */
public interface EngineProvider {

    /** Opens an engine; the caller closes it. May block while the engine starts. */
    SpeechEngine open(EngineOptions options);

    /** Identifies the model behind the engines this opens; part of every cache key. */
    default String modelVersion() {
        return "";
    }

    /** Registry versions of named voices; part of every cache key. */
    default VoiceVersions voiceVersions() {
        return VoiceVersions.NONE;
    }

    /** Registered voices, as the request planner resolves names to modes. */
    default VoiceCatalog voiceCatalog() {
        return VoiceCatalog.EMPTY;
    }

    /**
     * Makes the model servers of an engine forget the recordings of {@code versions} (a removed voice must
     * leave nothing behind, and workers keep pushed voices in their own directories). Blocks until every
     * server answered. A null {@code options.kind()} means the configured engine.
     *
     * @return one line per server saying what it did; empty when the engine keeps no voices
     * @throws IOException when a server could not be reached or refused; the message names it
     */
    default List<String> forgetVoice(EngineOptions options, List<Voice> versions) throws IOException {
        return List.of();
    }

    /** Where the server keeps its prompt cache: {@code voices remove} purges the removed voice's entries there. */
    default Path cacheDirectory() {
        return PromptCache.DEFAULT_DIR;
    }

    /** The built-in MaryTTS engine; only kind {@value EngineOptions#EMBEDDED}. */
    static EngineProvider embedded() {
        return new EngineProvider() {
            @Override
            public SpeechEngine open(EngineOptions options) {
                if (!EngineOptions.EMBEDDED.equals(options.kind())) {
                    throw new IllegalArgumentException("engine '" + options.kind()
                            + "' is not available here; only '" + EngineOptions.EMBEDDED + "'");
                }
                return new EmbeddedEngine(options.threads());
            }

            @Override
            public String modelVersion() {
                return "marytts-5.2.1/" + EmbeddedEngine.VOICE;
            }
        };
    }
}
