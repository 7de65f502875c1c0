package io.voxcpm.bench.load;

import java.util.Arrays;

/** Order statistics over a growing list of doubles (milliseconds, ratios). */
final class Stats {

    private double[] values = new double[64];
    private int size;
    private boolean sorted = true;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
        sorted = false;
    }

    int count() {
        return size;
    }

    /**
     * The nearest-rank percentile: the smallest value with at least {@code p} % of the values at or below
     * it (p in (0, 100]); NaN when empty. Nearest rank never interpolates, so p99 of 100 values is the
     * 99th smallest, a value that was really measured.
     */
    double percentile(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        sort();
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.max(1, rank) - 1];
    }

    double max() {
        return size == 0 ? Double.NaN : percentile(100);
    }

    double min() {
        if (size == 0) {
            return Double.NaN;
        }
        sort();
        return values[0];
    }

    double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
    }
}
