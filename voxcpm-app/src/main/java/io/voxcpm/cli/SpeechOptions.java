package io.voxcpm.cli;

import io.voxcpm.audio.LoudnessNormalizer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options {@code say} and {@code render} share: engine, voice, loudness and cache. */
final class SpeechOptions {

    @Option(names = "--voice", paramLabel = "NAME", description = "Voice name (a registered voice or an engine voice).")
    String voice;

    @Option(names = "--language", paramLabel = "TAG", description = "Language, e.g. en-US (default: the engine's).")
    String language;

    @Option(names = "--ssml", description = "The text is SSML.")
    boolean ssml;

    @Option(names = "--normalize", paramLabel = "LUFS", arity = "0..1", fallbackValue = "-20",
            description = "Normalise each utterance to this integrated loudness (BS.1770, default -20 LUFS), "
                    + "never above -1 dBFS sample peak.")
    Double normalizeLufs;

    @Mixin
    EngineCacheOptions engine = new EngineCacheOptions();

    @Option(names = "--no-cache", description = "Neither read nor fill the prompt cache.")
    boolean noCache;

    LoudnessNormalizer normalizer() {
        return normalizeLufs == null ? null
                : new LoudnessNormalizer(normalizeLufs, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS);
    }
}
