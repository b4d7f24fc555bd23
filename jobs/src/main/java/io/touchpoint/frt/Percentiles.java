package io.touchpoint.frt;

import java.util.Arrays;

/**
 * Exact nearest-rank percentiles (SPEC §4.3): the p-th percentile is the smallest sample v with at least p % of the
 * samples less than or equal to v, i.e. the value at rank ceil(p / 100 * n) of the sorted samples.
 */
public final class Percentiles {

    private final double[] sorted;

    public Percentiles(double[] samples, int count) {
        this.sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        if (count == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }

    /** @param percent 1 to 100 */
    public double nearestRank(int percent) {
        // ceil(percent * n / 100) in integers: no floating-point rounding at exact ranks
        int rank = (int) (((long) percent * sorted.length + 99) / 100);
        return sorted[Math.max(1, rank) - 1];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    public double mean() {
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return sum / sorted.length;
    }

    public int count() {
        return sorted.length;
    }
}
