package io.touchpoint.frt;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The first-response samples of one channel in one minute pane, or the running sum of a 15-minute window: the exact
 * values (so percentiles stay exact nearest-rank), how many were within the SLA, and the channel's target.
 *
 * <p>Samples can be added, removed one by one (a late event moving a reply to another minute) and whole sets merged
 * in or subtracted (a window sliding by a minute). The values are kept in ascending order once a set is merged,
 * subtracted or measured, so those steps are linear merges, not searches; appending in any order stays O(1).
 *
 * <p>State of a window pane (a Flink POJO: public fields, no-arg constructor); the window function drops the pane
 * when it leaves the longest window plus the allowed lateness.
 */
public class ReplySamples implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The samples in {@code seconds[0..count)}; the rest is spare capacity. */
    public double[] seconds = new double[4];
    public int count;
    public long withinSla;
    /** The target of the latest sample added (a target change applies from then on). */
    public long slaTargetSeconds;
    /** Whether {@code seconds[0..count)} is in ascending order. */
    public boolean sorted = true;

    public ReplySamples() {}

    public void add(ReplySample sample) {
        add(sample.frtSeconds, sample.withinSla, sample.slaTargetSeconds);
    }

    public void add(double frtSeconds, boolean within, long targetSeconds) {
        ensureCapacity(count + 1);
        if (count > 0 && frtSeconds < seconds[count - 1]) {
            sorted = false;
        }
        seconds[count++] = frtSeconds;
        if (within) {
            withinSla++;
        }
        slaTargetSeconds = targetSeconds;
    }

    /**
     * Removes one sample of {@code frtSeconds} that was added with {@code within}.
     *
     * @return false when there is no such sample
     */
    public boolean remove(double frtSeconds, boolean within) {
        sort();
        int at = Arrays.binarySearch(seconds, 0, count, frtSeconds);
        if (at < 0) {
            return false;
        }
        System.arraycopy(seconds, at + 1, seconds, at, count - at - 1);
        count--;
        if (within) {
            withinSla--;
        }
        return true;
    }

    /** Adds all of {@code other}'s samples; {@code other}'s content is unchanged (it may be put in order). */
    public void merge(ReplySamples other) {
        if (other.count == 0) {
            return;
        }
        sort();
        other.sort();
        ensureCapacity(count + other.count);
        // merge from the back, so the larger values move into the spare capacity first and nothing is overwritten
        int i = count - 1;
        int j = other.count - 1;
        for (int to = count + other.count - 1; j >= 0; to--) {
            seconds[to] = i >= 0 && seconds[i] > other.seconds[j] ? seconds[i--] : other.seconds[j--];
        }
        count += other.count;
        withinSla += other.withinSla;
        slaTargetSeconds = other.slaTargetSeconds;
    }

    /**
     * Removes {@code other}'s samples, which this set holds (it was merged in before); {@code other}'s content is
     * unchanged. The target stays the latest one added.
     */
    public void subtract(ReplySamples other) {
        if (other.count == 0) {
            return;
        }
        sort();
        other.sort();
        int kept = 0;
        int j = 0;
        for (int i = 0; i < count; i++) {
            if (j < other.count && seconds[i] == other.seconds[j]) {
                j++;
            } else {
                seconds[kept++] = seconds[i];
            }
        }
        if (j != other.count) {
            throw new IllegalStateException("subtracted " + other.count + " samples of which only " + j + " were held");
        }
        count = kept;
        withinSla -= other.withinSla;
    }

    public long breached() {
        return count - withinSla;
    }

    /** Nearest-rank statistics of the samples; there must be at least one. */
    public Percentiles percentiles() {
        sort();
        return Percentiles.ofSorted(seconds, count);
    }

    /** Puts the samples in ascending order (their order carries no meaning). */
    public void sort() {
        if (!sorted) {
            Arrays.sort(seconds, 0, count);
            sorted = true;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > seconds.length) {
            // doubling keeps adds amortised O(1)
            seconds = Arrays.copyOf(seconds, Math.max(needed, seconds.length * 2));
        }
    }
}
