package io.voxcpm.audio;

import java.util.ArrayList;
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
 * <p><b>Then.</b> Every 100 ms the gain moves towards target minus the integrated loudness of everything so
 * far, by at most {@value #MAX_STEP_DB} dB: at most 1 dB a second, far slower than syllables, so the level
 * follows a voice that drifts but never breathes with the speech. The gain stays within
 * ±{@value #MAX_GAIN_DB} dB.
 *
 * <p><b>Never clipping.</b> The gain never exceeds what keeps the loudest sample seen so far at the peak
 * ceiling; a louder chunk lowers it for the rest of the segment (and lowering is never undone), applied
 * from that chunk on.
 *
 * <p>Confined to one thread at a time (the player's serialised callbacks).
 */
public final class StreamLeveler {

    static final double MAX_STEP_DB = 0.1;
    static final double MAX_GAIN_DB = 24;
    static final int MAX_HOLD_MS = 2000;

    private final double targetLufs;
    private final double ceiling;
    private final int lookahead;
    private final int maxHold;
    private final int subBlock;
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
    private int heldSamples;
    private boolean measuring;
    private boolean settled;
    private double gainDb;
    private double peakLimitDb = MAX_GAIN_DB;

    StreamLeveler(double targetLufs, double ceilingDbfs, int sampleRate, int lookahead, double seedGainDb) {
        this.targetLufs = targetLufs;
        this.ceiling = Math.pow(10, ceilingDbfs / 20) * 32768.0;
        this.lookahead = lookahead;
        this.maxHold = Math.max(lookahead, MAX_HOLD_MS * sampleRate / 1000);
        this.subBlock = Math.max(1, sampleRate / 10);
        this.k = LoudnessNormalizer.kWeighting(sampleRate);
        this.measuring = lookahead > 0;
        this.settled = !Double.isNaN(seedGainDb);
        this.gainDb = Double.isNaN(seedGainDb) ? 0 : seedGainDb;
    }

    /** The gain applied last, in dB: the seed for the next segment in the same voice. */
    public double gainDb() {
        return Math.min(gainDb, peakLimitDb);
    }

    /** Takes {@code chunk} (ownership passes); returns what may play now, levelled, in order. */
    public List<short[]> offer(short[] chunk) {
        measure(chunk);
        if (measuring) {
            held.add(chunk);
            heldSamples += chunk.length;
            if (voicedSamples < lookahead && heldSamples < maxHold) {
                return List.of();
            }
            return release();
        }
        return List.of(apply(chunk));
    }

    /** The segment ended: whatever is still held, levelled. */
    public List<short[]> finish() {
        return measuring ? release() : List.of();
    }

    private List<short[]> release() {
        measuring = false;
        if (subCount > 0 && subCount >= subBlock / 10) {
            looked.add(subSum / subCount); // the last, partial sub-block, if it is not a sliver
        }
        double measured = gated(looked);
        if (!Double.isInfinite(measured)) {
            gainDb = clamp(targetLufs - measured);
            settled = true;
        }
        List<short[]> out = new ArrayList<>(held.size());
        for (short[] c : held) {
            limitTo(c);
        }
        for (short[] c : held) {
            out.add(apply(c));
        }
        held.clear();
        return out;
    }

    private short[] apply(short[] chunk) {
        limitTo(chunk);
        double g = Math.pow(10, gainDb() / 20);
        if (g != 1.0) {
            for (int i = 0; i < chunk.length; i++) {
                long v = Math.round(chunk[i] * g);
                chunk[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
            }
        }
        return chunk;
    }

    /** Lowers the gain limit so {@code chunk}'s peak stays at the ceiling. */
    private void limitTo(short[] chunk) {
        int peak = 0;
        for (short s : chunk) {
            peak = Math.max(peak, Math.abs((int) s));
        }
        if (peak > 0) {
            peakLimitDb = Math.min(peakLimitDb, 20 * Math.log10(ceiling / peak));
        }
    }

    /** K-weights {@code chunk} into 100 ms sub-blocks; four make a 400 ms block, one every 100 ms. */
    private void measure(short[] chunk) {
        double[] sb = k[0];
        double[] sa = k[1];
        double[] pb = k[2];
        double[] pa = k[3];
        for (short s : chunk) {
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
            }
        }
    }

    private void subBlockDone() {
        double meanSquare = subSum / subCount;
        recent[subBlocks++ % 4] = meanSquare;
        if (measuring) {
            looked.add(meanSquare);
            if (meanSquare > 0 && LoudnessNormalizer.loudness(meanSquare) > LoudnessNormalizer.ABSOLUTE_GATE_LUFS) {
                voicedSamples += subCount;
            }
        }
        subSum = 0;
        subCount = 0;
        if (subBlocks < 4) {
            return;
        }
        blocks.add((recent[0] + recent[1] + recent[2] + recent[3]) / 4);
        if (measuring) {
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
