package io.voxcpm.audio;

/**
 * The loudness every prompt reaches the caller at, and how synthesised audio is brought there while it
 * streams (see {@link StreamLeveler}).
 *
 * @param targetLufs  BS.1770 integrated loudness to reach; -20 LUFS suits telephony (speech at about -18 dBFS)
 * @param lookaheadMs audio of each synthesised segment measured before its first sample plays; 0: synthesised
 *                    audio is played as the engine made it
 */
public record LevelMatching(double targetLufs, int lookaheadMs) {

    /** -20 LUFS, 300 ms look-ahead. */
    public static final LevelMatching DEFAULT = new LevelMatching(LoudnessNormalizer.DEFAULT_TARGET_LUFS, 300);
    /** Synthesised audio untouched (recorded prompts are still brought to -20 LUFS). */
    public static final LevelMatching OFF = new LevelMatching(LoudnessNormalizer.DEFAULT_TARGET_LUFS, 0);

    public LevelMatching {
        if (!(targetLufs < 0) || lookaheadMs < 0) {
            throw new IllegalArgumentException("target must be below 0 LUFS and look-ahead at least 0 ms: "
                    + targetLufs + ", " + lookaheadMs);
        }
    }

    public boolean streams() {
        return lookaheadMs > 0;
    }

    /** The whole-utterance form, with the default peak ceiling: for recorded prompts. */
    public LoudnessNormalizer normalizer() {
        return new LoudnessNormalizer(targetLufs, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS);
    }

    /** A leveler for one segment at {@code sampleRate}; {@code seedGainDb} is NaN when nothing is known yet. */
    public StreamLeveler leveler(int sampleRate, double seedGainDb) {
        return new StreamLeveler(targetLufs, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS, sampleRate,
                Double.isNaN(seedGainDb) ? (int) ((long) lookaheadMs * sampleRate / 1000) : 0, seedGainDb);
    }
}
