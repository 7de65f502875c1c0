package io.voxcpm.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Brings one synthesised segment to a target loudness while it streams, without clipping and without
 * pumping.
 *
 * <p><b>First gain.</b> The first {@code lookahead} samples are held and measured (BS.1770 K-weighted, gated
 * as {@link LoudnessNormalizer} does; a look-ahead shorter than one 400 ms block is measured as one block);
 * their gain is the target minus that loudness, then nothing is held any more. A segment that follows
 * another in the same voice starts from that one's final gain instead ({@code seedGainDb}), holding nothing,
 * so sentences of one voice leave the engine with no extra gap between them. Silence does not count: the
 * look-ahead is measured in 100 ms sub-blocks gated as BS.1770 gates its blocks (absolute -70 LUFS, then 10
 * LU below the mean), and holding goes on until {@code lookahead} samples of sound have been heard, or
 * {@value #MAX_HOLD_MS} ms in all; a segment silent that long keeps the seed (or 0 dB) and takes the first
 * gain measured once sound starts.
 *
 * <p><b>A voice heard before.</b> A segment whose voice the server has levelled before (in an earlier request:
 * {@code rememberedGainDb}) holds only its first 100 ms sub-block of sound, so with an engine that streams
 * 160 ms chunks its first audio leaves with the first chunk. It starts at the remembered gain, but never more
 * than {@value #PROVISIONAL_WINDOW_DB} dB above what that first sub-block asks for: a loud prompt after a quiet
 * one is caught there, not 300 ms later. The sub-block may only lower the gain: a sentence's first 100 ms is
 * often a quiet onset asking for far more gain than the sentence needs (on MaryTTS sentences the remembered
 * gain alone kept the first 300 ms of sound within 3 dB of the held look-ahead's level). It goes on measuring the
 * look-ahead while it plays; when {@code lookahead} samples of sound have been heard the gain glides, over
 * the next 100 ms, to exactly the first gain a held look-ahead would have taken, so from then on the segment
 * is levelled as if it had been held.
 *
 * <p><b>Then.</b> Every 100 ms the gain moves towards target minus the integrated loudness of everything so
 * far, by at most {@value #MAX_STEP_DB} dB: at most 1 dB a second, far slower than syllables, so the level
 * follows a voice that drifts but never breathes with the speech. The gain stays within
 * ±{@value #MAX_GAIN_DB} dB.
 *
 * <p><b>Never clipping.</b> The gain never exceeds what keeps the loudest sample seen so far at the peak
 * ceiling (the whole look-ahead's peak before its first sample plays); a louder sample later lowers it from
 * that sample on, for the rest of the segment (lowering is never undone).
 *
 * <p>Confined to one thread at a time (the player's serialised callbacks).
 */
public final class StreamLeveler {

    static final double MAX_STEP_DB = 0.1;
    static final double MAX_GAIN_DB = 24;
    static final int MAX_HOLD_MS = 2000;
    static final double PROVISIONAL_WINDOW_DB = 3;

    private final double targetLufs;
    private final double ceiling;
    private final int lookahead;
    private final int maxHold;
    private final int subBlock;
    /** Sound held before the first release: the look-ahead, or one sub-block for a remembered voice. */
    private final int firstRelease;
    /** The remembered gain a provisional start keeps to, NaN when there is none. */
    private final double remembered;
    private final double[][] k;
    private final double[] z = new double[4];
    private final List<short[]> held = new ArrayList<>();
    private final List<Double> blocks = new ArrayList<>();
    private final double[] recent = new double[4];
    private int subBlocks;
    private double subSum;
    private int subCount;
    /** Mean squares of the look-ahead's sub-blocks. */
    private final List<Double> looked = new ArrayList<>();
    private int voicedSamples;
    /** Samples measured while looking ahead. */
    private int seen;
    /** 10^(gain/20): the gain applied to the next sample; mid-glide it differs from {@link #gainDb()}. */
    private double linear = 1.0;
    /** Samples held back until {@link #firstRelease} samples of sound are measured. */
    private boolean holding;
    /** The look-ahead is still being measured (held or, for a remembered voice, while it plays). */
    private boolean lookingAhead;
    private boolean settled;
    private double gainDb;
    private double peakLimitDb = MAX_GAIN_DB;
    private int glideLeft;
    private double glideStep;

    StreamLeveler(double targetLufs, double ceilingDbfs, int sampleRate, int lookahead, double seedGainDb) {
        this(targetLufs, ceilingDbfs, sampleRate, lookahead, seedGainDb, Double.NaN);
    }

    /**
     * @param lookahead        samples of sound measured for the first gain; 0 with a seed
     * @param seedGainDb       the previous segment's gain in this voice in the same request, NaN if none
     * @param rememberedGainDb this voice's gain in an earlier request, NaN if none (ignored with a seed)
     */
    StreamLeveler(double targetLufs, double ceilingDbfs, int sampleRate, int lookahead, double seedGainDb,
                  double rememberedGainDb) {
        this.targetLufs = targetLufs;
        this.ceiling = Math.pow(10, ceilingDbfs / 20) * 32768.0;
        this.lookahead = lookahead;
        this.maxHold = Math.max(lookahead, MAX_HOLD_MS * sampleRate / 1000);
        this.subBlock = Math.max(1, sampleRate / 10);
        this.k = LoudnessNormalizer.kWeighting(sampleRate);
        this.holding = lookahead > 0;
        this.lookingAhead = holding;
        boolean provisional = holding && lookahead > subBlock && Double.isNaN(seedGainDb)
                && !Double.isNaN(rememberedGainDb);
        this.remembered = provisional ? rememberedGainDb : Double.NaN;
        this.firstRelease = provisional ? subBlock : lookahead;
        this.settled = !Double.isNaN(seedGainDb);
        this.gainDb = Double.isNaN(seedGainDb) ? 0 : seedGainDb;
        updateLinear();
    }

    /** The gain applied last, in dB: the seed for the next segment in the same voice. */
    public double gainDb() {
        return Math.min(gainDb, peakLimitDb);
    }

    /** Whether the gain was measured from this segment's sound (or seeded), not a default for silence. */
    public boolean heardSound() {
        return settled;
    }

    /**
     * Takes {@code chunk} (ownership passes); returns what may play now, levelled, in order. Every decision
     * falls on a sample count (a sub-block boundary), never on where a chunk ends, so the same audio comes out
     * the same however the engine (or the prompt cache) cuts it into chunks.
     */
    public List<short[]> offer(short[] chunk) {
        List<short[]> out = new ArrayList<>(2);
        int from = 0;
        for (int i = 0; i < chunk.length; i++) {
            short x = chunk[i];
            if (holding) {
                seen++;
                if (measure(x) && (voicedSamples >= firstRelease || seen >= maxHold)) {
                    hold(Arrays.copyOfRange(chunk, from, i + 1));
                    out.addAll(release(false));
                    from = i + 1;
                }
            } else {
                chunk[i] = level(x);
                if (lookingAhead) {
                    seen++;
                }
                measure(x); // a step of the gain applies from the next sample on
            }
        }
        if (holding) {
            hold(from == 0 ? chunk : Arrays.copyOfRange(chunk, from, chunk.length));
        } else if (from < chunk.length) {
            out.add(from == 0 ? chunk : Arrays.copyOfRange(chunk, from, chunk.length));
        }
        return out;
    }

    /** The segment ended: whatever is still held, levelled. */
    public List<short[]> finish() {
        if (holding) {
            return release(true);
        }
        if (lookingAhead) {
            endLookAhead(true, false); // nothing left to play: the gain is what the next segment starts from
        }
        return List.of();
    }

    private void hold(short[] samples) {
        if (samples.length > 0) {
            held.add(samples);
        }
    }

    private List<short[]> release(boolean atEnd) {
        holding = false;
        if (firstRelease == lookahead || atEnd) {
            endLookAhead(atEnd, false);
        } else {
            double measured = gated(looked);
            // a first sub-block is often a quiet onset, which asks for far more gain than the sentence needs:
            // it may only lower the remembered gain (a loud prompt after a quiet one), never raise it
            gainDb = Double.isInfinite(measured) ? remembered
                    : Math.min(remembered, clamp(targetLufs - measured) + PROVISIONAL_WINDOW_DB);
        }
        int peak = 0;
        for (short[] c : held) {
            for (short v : c) {
                peak = Math.max(peak, Math.abs((int) v));
            }
        }
        if (peak > 0) {
            peakLimitDb = Math.min(peakLimitDb, 20 * Math.log10(ceiling / peak));
        }
        updateLinear();
        for (short[] c : held) {
            for (int i = 0; i < c.length; i++) {
                c[i] = level(c[i]);
            }
        }
        List<short[]> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /**
     * The look-ahead is measured: its gain becomes the first gain, taken at once or, while the segment is
     * already playing, over the next sub-block.
     */
    private void endLookAhead(boolean atEnd, boolean glide) {
        lookingAhead = false;
        if (atEnd && subCount > 0 && subCount >= subBlock / 10) {
            looked.add(subSum / subCount); // a short segment's last, partial sub-block, if it is not a sliver
        }
        double measured = gated(looked);
        if (Double.isInfinite(measured)) {
            return;
        }
        gainDb = clamp(targetLufs - measured);
        settled = true;
        if (glide) {
            double to = Math.pow(10, gainDb() / 20);
            glideLeft = subBlock;
            glideStep = (to - linear) / subBlock;
        }
    }

    /** One sample at the current gain; a sample that would pass the ceiling lowers the gain for good. */
    private short level(short x) {
        double y = x * linear;
        if (Math.abs(y) > ceiling) {
            peakLimitDb = Math.min(peakLimitDb, 20 * Math.log10(ceiling / Math.abs((int) x)));
            updateLinear();
            y = x * linear;
        }
        if (glideLeft > 0 && --glideLeft == 0) {
            updateLinear();
        } else if (glideLeft > 0) {
            linear += glideStep;
        }
        long v = Math.round(y);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }

    private void updateLinear() {
        glideLeft = 0;
        linear = Math.pow(10, gainDb() / 20);
    }

    /** K-weights one sample into the current 100 ms sub-block; true when that completed a sub-block. */
    private boolean measure(short s) {
        double[] sb = k[0];
        double[] sa = k[1];
        double[] pb = k[2];
        double[] pa = k[3];
        double x = s / 32768.0;
        double y1 = sb[0] * x + z[0];
        z[0] = sb[1] * x - sa[0] * y1 + z[1];
        z[1] = sb[2] * x - sa[1] * y1;
        double y = pb[0] * y1 + z[2];
        z[2] = pb[1] * y1 - pa[0] * y + z[3];
        z[3] = pb[2] * y1 - pa[1] * y;
        subSum += y * y;
        if (++subCount == subBlock) {
            subBlockDone();
            return true;
        }
        return false;
    }

    private void subBlockDone() {
        double meanSquare = subSum / subCount;
        recent[subBlocks++ % 4] = meanSquare;
        subSum = 0;
        subCount = 0;
        if (lookingAhead) {
            looked.add(meanSquare);
            if (meanSquare > 0 && LoudnessNormalizer.loudness(meanSquare) > LoudnessNormalizer.ABSOLUTE_GATE_LUFS) {
                voicedSamples += subBlock;
            }
            if (!holding && (voicedSamples >= lookahead || seen >= maxHold)) {
                endLookAhead(false, true);
            }
        }
        if (subBlocks < 4) {
            return;
        }
        blocks.add((recent[0] + recent[1] + recent[2] + recent[3]) / 4);
        if (lookingAhead || glideLeft > 0) {
            return;
        }
        double measured = gated(blocks);
        if (Double.isInfinite(measured)) {
            return;
        }
        double wanted = clamp(targetLufs - measured);
        if (!settled) {
            gainDb = wanted; // the look-ahead was silent: this is the first speech measured
            settled = true;
        } else {
            gainDb += Math.max(-MAX_STEP_DB, Math.min(MAX_STEP_DB, wanted - gainDb));
        }
        updateLinear();
    }

    /** Gated loudness of these blocks' mean squares, as BS.1770 integrates; negative infinity if all are gated. */
    private static double gated(List<Double> meanSquares) {
        double[] ms = new double[meanSquares.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = meanSquares.get(i);
        }
        double absolute = LoudnessNormalizer.gatedMean(ms, LoudnessNormalizer.ABSOLUTE_GATE_LUFS);
        if (Double.isNaN(absolute)) {
            return Double.NEGATIVE_INFINITY;
        }
        double relative = Math.max(LoudnessNormalizer.ABSOLUTE_GATE_LUFS,
                LoudnessNormalizer.loudness(absolute) + LoudnessNormalizer.RELATIVE_GATE_LU);
        return LoudnessNormalizer.loudness(LoudnessNormalizer.gatedMean(ms, relative));
    }

    private static double clamp(double db) {
        return Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, db));
    }
}
