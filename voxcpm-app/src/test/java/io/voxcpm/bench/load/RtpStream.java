package io.voxcpm.bench.load;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The packets of one RTP stream as the capture saw them arrive, and what a listener would make of them.
 *
 * <p>Definitions (docs/performance.md repeats them):
 * <ul>
 * <li><b>transit</b> o(i) = R(i) - S(i)/clock: arrival time minus media time, both in ms, per packet;
 * <li><b>jitter</b> of packet i = |o(i) - o(i-1)| for consecutive arrivals, RFC 3550 §6.4.1's D(i-1,i)
 * before smoothing; the percentiles are over every packet of every stream. The smoothed RFC 3550
 * estimator J (gain 1/16) is kept too, per stream;
 * <li><b>lateness</b> of packet i = o(i) - min over the stream of o: how far behind the 20 ms grid anchored
 * at the stream's best-case packet it arrived; <b>late</b> = lateness &gt; 30 ms (a packet a 30 ms
 * playout buffer could no longer use). A stream that starts late but then keeps time has no late
 * packets: its delay shows in IN-PROGRESS → first RTP instead;
 * <li><b>lost</b> = packets the sequence numbers say were sent but never arrived (duplicates ignored);
 * <li><b>pacing</b> = (R(last) - R(first)) / ((S(last) - S(first))/clock): wall time over media time.
 * </ul>
 */
final class RtpStream {

    static final double LATE_MS = 30.0;

    private final int clockRate;
    private long[] arrivals = new long[256];
    private long[] mediaTicks = new long[256];
    private long[] sequences = new long[256];
    private int size;
    private long firstTimestamp = -1;
    private long lastExtendedTs;

    RtpStream(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        this.clockRate = clockRate;
    }

    /** Adds a packet in arrival order; {@code sequence} is 16-bit, {@code timestamp} 32-bit, as on the wire. */
    void add(long arrivalNanos, int sequence, long timestamp) {
        if (size == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, size * 2);
            mediaTicks = Arrays.copyOf(mediaTicks, size * 2);
            sequences = Arrays.copyOf(sequences, size * 2);
        }
        // 16-bit sequence and 32-bit timestamp unwrapped against the previous arrival
        long extendedSeq = size == 0 ? sequence
                : sequences[size - 1] + (short) (sequence - (int) (sequences[size - 1] & 0xffff));
        long ext;
        if (firstTimestamp < 0) {
            firstTimestamp = timestamp;
            ext = 0;
        } else {
            ext = lastExtendedTs + (int) (timestamp - ((firstTimestamp + lastExtendedTs) & 0xffffffffL));
        }
        lastExtendedTs = ext;
        arrivals[size] = arrivalNanos;
        mediaTicks[size] = ext;
        sequences[size] = extendedSeq;
        size++;
    }

    int size() {
        return size;
    }

    long firstArrivalNanos() {
        return size == 0 ? -1 : arrivals[0];
    }

    long lastArrivalNanos() {
        return size == 0 ? -1 : arrivals[size - 1];
    }

    /** What the stream amounts to; per-packet jitter values go into {@code jitterMs} as well. */
    Result analyse(Stats jitterMs) {
        if (size == 0) {
            return new Result(0, 0, 0, 0, 0, Double.NaN, 0, 0);
        }
        double minTransit = Double.MAX_VALUE;
        double[] transit = new double[size];
        for (int i = 0; i < size; i++) {
            transit[i] = arrivals[i] / 1e6 - mediaTicks[i] * 1000.0 / clockRate;
            minTransit = Math.min(minTransit, transit[i]);
        }
        double j = 0;
        double maxJ = 0;
        double maxLateness = 0;
        int late = 0;
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                double d = Math.abs(transit[i] - transit[i - 1]);
                jitterMs.add(d);
                j += (d - j) / 16.0;
                maxJ = Math.max(maxJ, j);
            }
            double lateness = transit[i] - minTransit;
            maxLateness = Math.max(maxLateness, lateness);
            if (lateness > LATE_MS) {
                late++;
            }
        }
        long minSeq = Long.MAX_VALUE;
        long maxSeq = Long.MIN_VALUE;
        BitSet seen = new BitSet();
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            minSeq = Math.min(minSeq, sequences[i]);
            maxSeq = Math.max(maxSeq, sequences[i]);
        }
        for (int i = 0; i < size; i++) {
            int bit = (int) (sequences[i] - minSeq);
            if (!seen.get(bit)) {
                seen.set(bit);
                distinct++;
            }
        }
        long expected = maxSeq - minSeq + 1;
        long mediaSpanTicks = mediaTicks[size - 1] - mediaTicks[0];
        double pacing = mediaSpanTicks <= 0 ? Double.NaN
                : (arrivals[size - 1] - arrivals[0]) / 1e9 / ((double) mediaSpanTicks / clockRate);
        return new Result(size, distinct, expected - distinct, late, maxLateness, pacing, j, maxJ);
    }

    /**
     * @param received packets captured; {@code distinct} of them had different sequence numbers
     * @param lost     sequence numbers in the received range that never arrived
     * @param finalJitterMs the RFC 3550 estimator after the last packet; {@code maxJitterMs} its peak
     */
    record Result(int received, int distinct, long lost, int late, double maxLatenessMs, double pacing,
                  double finalJitterMs, double maxJitterMs) { }
}
