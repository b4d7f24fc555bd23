package io.touchpoint.frt;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The first-response samples of one channel in one minute pane, mergeable into a 15-minute window: the exact values
 * (so percentiles stay exact nearest-rank), how many were within the SLA, and the channel's target.
 *
 * <p>State of a window pane (a Flink POJO: public fields, no-arg constructor); the window function drops the pane
 * when it leaves the longest window plus the allowed lateness.
 */
public class ReplySamples implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The samples in {@code seconds[0..count)}; the rest is spare capacity. */
    public double[] seconds = new double[4];
    public int count;
    public long withinSla;
    /** The target of the latest sample added (a target change applies from then on). */
    public long slaTargetSeconds;

    public ReplySamples() {}

    public void add(ReplySample sample) {
        add(sample.frtSeconds, sample.withinSla, sample.slaTargetSeconds);
    }

    public void add(double frtSeconds, boolean within, long targetSeconds) {
        ensureCapacity(count + 1);
        seconds[count++] = frtSeconds;
        if (within) {
            withinSla++;
        }
        slaTargetSeconds = targetSeconds;
    }

    /** Adds all of {@code other}'s samples; {@code other} is unchanged. */
    public void merge(ReplySamples other) {
        ensureCapacity(count + other.count);
        System.arraycopy(other.seconds, 0, seconds, count, other.count);
        count += other.count;
        withinSla += other.withinSla;
        if (other.count > 0) {
            slaTargetSeconds = other.slaTargetSeconds;
        }
    }

    public long breached() {
        return count - withinSla;
    }

    /** Nearest-rank statistics of the samples; there must be at least one. */
    public Percentiles percentiles() {
        return Percentiles.of(seconds, count);
    }

    private void ensureCapacity(int needed) {
        if (needed > seconds.length) {
            // doubling keeps adds amortised O(1)
            seconds = Arrays.copyOf(seconds, Math.max(needed, seconds.length * 2));
        }
    }
}
