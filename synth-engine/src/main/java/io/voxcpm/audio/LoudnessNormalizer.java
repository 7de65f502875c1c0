package io.voxcpm.audio;

/**
 * Brings a whole utterance to a target loudness without clipping.
 *
 * <p><b>Measure.</b> Integrated loudness as ITU-R BS.1770-4 defines it for one channel, in LUFS: the
 * K-weighting pre-filter (a high shelf of about +4 dB above 1.5 kHz, then a 38 Hz high-pass), mean
 * square over 400 ms blocks overlapping by 75 %, an absolute gate at −70 LUFS and a relative gate 10 LU
 * below the ungated mean. The filters are designed for any sample rate by the bilinear transform of
 * the analogue prototypes whose 48 kHz digital form is the one tabulated in the recommendation. A
 * signal shorter than one block is measured as a single block.
 *
 * <p><b>Gain.</b> One gain for the whole utterance: target minus measured, lowered if needed so the
 * sample peak stays at or below the ceiling (the default −1 dBFS leaves room for the overshoot that
 * resampling to 8 kHz can add between samples). Silence is returned unchanged.
 *
 * <p><b>Streaming.</b> Integrated loudness needs the whole utterance, so this is for rendered files and
 * for audio complete before it plays (recorded prompts); {@link StreamLeveler} is the streaming form, a
 * per-segment gain from a short look-ahead that then adapts slowly.
 */
public final class LoudnessNormalizer {

    /** A common level for telephony prompts: speech at about −20 dBFS RMS measures close to this. */
    public static final double DEFAULT_TARGET_LUFS = -20.0;
    public static final double DEFAULT_PEAK_CEILING_DBFS = -1.0;

    private static final double BLOCK_SECONDS = 0.4;
    static final double ABSOLUTE_GATE_LUFS = -70.0;
    static final double RELATIVE_GATE_LU = -10.0;

    private final double targetLufs;
    private final double peakCeilingDbfs;

    public LoudnessNormalizer(double targetLufs, double peakCeilingDbfs) {
        if (!(targetLufs < 0) || !(peakCeilingDbfs <= 0)) {
            throw new IllegalArgumentException("target must be below 0 LUFS and ceiling at most 0 dBFS: "
                    + targetLufs + ", " + peakCeilingDbfs);
        }
        this.targetLufs = targetLufs;
        this.peakCeilingDbfs = peakCeilingDbfs;
    }

    public static LoudnessNormalizer defaults() {
        return new LoudnessNormalizer(DEFAULT_TARGET_LUFS, DEFAULT_PEAK_CEILING_DBFS);
    }

    public double targetLufs() {
        return targetLufs;
    }

    /** Integrated loudness of {@code pcm} in LUFS; negative infinity when every block is gated out. */
    public static double integratedLoudness(short[] pcm, int sampleRate) {
        double[] weighted = kWeighted(pcm, sampleRate);
        int block = (int) Math.round(BLOCK_SECONDS * sampleRate);
        int step = block / 4;
        int blocks = weighted.length <= block ? 1 : 1 + (weighted.length - block) / step;
        double[] meanSquare = new double[blocks];
        for (int j = 0; j < blocks; j++) {
            int from = j * step;
            int to = Math.min(weighted.length, from + block);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += weighted[i] * weighted[i];
            }
            meanSquare[j] = to > from ? sum / (to - from) : 0;
        }
        double absolute = gatedMean(meanSquare, ABSOLUTE_GATE_LUFS);
        if (Double.isNaN(absolute)) {
            return Double.NEGATIVE_INFINITY;
        }
        double relative = Math.max(ABSOLUTE_GATE_LUFS, loudness(absolute) + RELATIVE_GATE_LU);
        return loudness(gatedMean(meanSquare, relative));
    }

    /** The gain in dB {@link #normalize} applies to {@code pcm}. */
    public double gainDb(short[] pcm, int sampleRate) {
        double measured = integratedLoudness(pcm, sampleRate);
        int peak = 0;
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs((int) s));
        }
        if (Double.isInfinite(measured) || peak == 0) {
            return 0;
        }
        double headroom = peakCeilingDbfs - 20 * Math.log10(peak / 32768.0);
        return Math.min(targetLufs - measured, headroom);
    }

    /** A new array: {@code pcm} with {@link #gainDb} applied. */
    public short[] normalize(short[] pcm, int sampleRate) {
        double gain = Math.pow(10, gainDb(pcm, sampleRate) / 20);
        short[] out = new short[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            long v = Math.round(pcm[i] * gain);
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        return out;
    }

    public double peakCeilingDbfs() {
        return peakCeilingDbfs;
    }

    static double loudness(double meanSquare) {
        return -0.691 + 10 * Math.log10(meanSquare);
    }

    /** Mean of the blocks louder than {@code gateLufs}; NaN when none is. */
    static double gatedMean(double[] meanSquare, double gateLufs) {
        double sum = 0;
        int n = 0;
        for (double z : meanSquare) {
            if (z > 0 && loudness(z) > gateLufs) {
                sum += z;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The BS.1770 K-weighting: high shelf then high-pass, each a biquad, on samples scaled to ±1. */
    private static double[] kWeighted(short[] pcm, int sampleRate) {
        double[][] c = kWeighting(sampleRate);
        double[] x = new double[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            x[i] = pcm[i] / 32768.0;
        }
        return biquad(biquad(x, c[0], c[1]), c[2], c[3]);
    }

    /** {shelf b, shelf a, high-pass b, high-pass a} of the K-weighting at {@code sampleRate}. */
    static double[][] kWeighting(int sampleRate) {
        // stage 1: shelf of +4 dB centred near 1.68 kHz (constants fitted to the recommendation's table)
        double k = Math.tan(Math.PI * 1681.974450955533 / sampleRate);
        double q = 0.7071752369554196;
        double vh = Math.pow(10, 3.999843853973347 / 20);
        double vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        double[] shelfB = {(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0};
        double[] shelfA = {2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        // stage 2: second-order high-pass at 38 Hz
        k = Math.tan(Math.PI * 38.13547087602444 / sampleRate);
        q = 0.5003270373238773;
        a0 = 1 + k / q + k * k;
        double[] passB = {1, -2, 1};
        double[] passA = {2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
        return new double[][] {shelfB, shelfA, passB, passA};
    }

    private static double[] biquad(double[] x, double[] b, double[] a) {
        double[] y = new double[x.length];
        double z1 = 0;
        double z2 = 0;
        for (int i = 0; i < x.length; i++) {
            double out = b[0] * x[i] + z1; // transposed direct form II
            z1 = b[1] * x[i] - a[0] * out + z2;
            z2 = b[2] * x[i] - a[1] * out;
            y[i] = out;
        }
        return y;
    }
}
