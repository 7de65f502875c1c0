package io.voxcpm.cli;

import io.voxcpm.cache.VoiceVersions;
import io.voxcpm.embedded.EmbeddedEngine;
import io.voxcpm.request.VoiceCatalog;
import io.voxcpm.engine.SpeechEngine;

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
