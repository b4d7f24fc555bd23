package io.touchpoint.frt;

import java.util.Arrays;

/**
 * Exact nearest-rank statistics of a set of samples (SPEC §4.3): the p-th percentile is the smallest sample v with
 * at least p % of the samples ≤ v, which is the sample at rank ⌈p·n/100⌉ (1-based) in ascending order.
 */
public final class Percentiles {

    private final int count;
    private final double p50;
    private final double p90;
    private final double p95;
    private final double max;
    private final double mean;

    private Percentiles(double[] sorted) {
        count = sorted.length;
        p50 = nearestRank(sorted, 50);
        p90 = nearestRank(sorted, 90);
        p95 = nearestRank(sorted, 95);
        max = sorted[count - 1];
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        mean = sum / count;
    }

    /**
     * The statistics of the first {@code count} values (not changed; sorted in a copy).
     *
     * @throws IllegalArgumentException when there are no samples: a window without replies writes no point
     */
    public static Percentiles of(double[] values, int count) {
        if (count <= 0 || count > values.length) {
            throw new IllegalArgumentException("need 1 to " + values.length + " samples, got " + count);
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return new Percentiles(sorted);
    }

    /** The statistics of the first {@code count} values, which are in ascending order (not copied). */
    public static Percentiles ofSorted(double[] sorted, int count) {
        if (count <= 0 || count > sorted.length) {
            throw new IllegalArgumentException("need 1 to " + sorted.length + " samples, got " + count);
        }
        return new Percentiles(sorted.length == count ? sorted : Arrays.copyOf(sorted, count));
    }

    /**
     * The nearest-rank {@code percent}-th percentile of ascending, non-empty {@code sorted}.
     *
     * @param percent 1 to 100
     */
    public static double nearestRank(double[] sorted, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percentile must be 1 to 100, got " + percent);
        }
        // ⌈percent·n/100⌉ in integers: no floating-point error at exact ranks such as 90 % of 10
        int rank = (int) (((long) percent * sorted.length + 99) / 100);
        return sorted[rank - 1];
    }

    public int count() {
        return count;
    }

    public double p50() {
        return p50;
    }

    public double p90() {
        return p90;
    }

    public double p95() {
        return p95;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return mean;
    }

    @Override
    public String toString() {
        return "n=" + count + " mean=" + mean + " p50=" + p50 + " p90=" + p90 + " p95=" + p95 + " max=" + max;
    }
}
