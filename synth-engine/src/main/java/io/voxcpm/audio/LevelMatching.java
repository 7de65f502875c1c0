package io.voxcpm.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loudness every prompt reaches the caller at, and how synthesised audio is brought there while it
 * streams (see {@link StreamLeveler}).
 *
 * <p>One instance serves the whole server: it remembers the gain each voice settled at when it was last
 * levelled, so that a voice heard in an earlier request starts its next one without holding the whole
 * look-ahead (with a streaming engine, its first audio leaves with the engine's first chunk). What is
 * remembered is bounded ({@value #MAX_VOICES} voices, the least recently used forgotten first); it only ever
 * shortens a wait, it never decides a level on its own.
 */
public final class LevelMatching {

    /** Synthesised audio untouched (recorded prompts are still brought to -20 LUFS). */
    public static final LevelMatching OFF = new LevelMatching(LoudnessNormalizer.DEFAULT_TARGET_LUFS, 0);

    static final int MAX_VOICES = 1024;

    private final double targetLufs;
    private final int lookaheadMs;
    private final Map<String, Double> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > MAX_VOICES;
        }
    };

    /**
     * @param targetLufs  BS.1770 integrated loudness to reach; -20 LUFS suits telephony (speech at about -18 dBFS)
     * @param lookaheadMs sound of each synthesised segment measured before its level is settled (held before it
     *                    plays, unless its voice was levelled before); 0: synthesised audio is played as the
     *                    engine made it
     */
    public LevelMatching(double targetLufs, int lookaheadMs) {
        if (!(targetLufs < 0) || lookaheadMs < 0) {
            throw new IllegalArgumentException("target must be below 0 LUFS and look-ahead at least 0 ms: "
                    + targetLufs + ", " + lookaheadMs);
        }
        this.targetLufs = targetLufs;
        this.lookaheadMs = lookaheadMs;
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
        return leveler(sampleRate, seedGainDb, null);
    }

    /**
     * A leveler for one segment in {@code voice} (any stable name of the voice and its settings; null: none):
     * {@code seedGainDb} is the gain of the request's previous segment in that voice (NaN if none), which it
     * continues from; without one it starts from what this voice settled at in an earlier request, if any.
     */
    public StreamLeveler leveler(int sampleRate, double seedGainDb, String voice) {
        int lookahead = (int) ((long) lookaheadMs * sampleRate / 1000);
        if (!Double.isNaN(seedGainDb)) {
            return new StreamLeveler(targetLufs, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS, sampleRate, 0,
                    seedGainDb);
        }
        Double known;
        synchronized (remembered) {
            known = voice == null ? null : remembered.get(voice);
        }
        return new StreamLeveler(targetLufs, LoudnessNormalizer.DEFAULT_PEAK_CEILING_DBFS, sampleRate, lookahead,
                Double.NaN, known == null ? Double.NaN : known);
    }

    /** A segment in {@code voice} ended whole: what its leveler settled at is what the voice starts from next. */
    public void remember(String voice, StreamLeveler finished) {
        if (voice != null && finished.heardSound()) {
            synchronized (remembered) {
                remembered.put(voice, finished.gainDb());
            }
        }
    }
}
