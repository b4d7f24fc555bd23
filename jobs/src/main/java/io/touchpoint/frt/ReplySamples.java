package io.touchpoint.frt;

import java.util.Arrays;

/**
 * First-response samples of one channel in one minute (merged, in a 15-minute window): the exact values, so
 * percentiles are exact nearest-rank, plus the SLA counts. A POJO, kept as window state.
 */
public class ReplySamples {
    public double[] seconds = new double[4];
    public int count;
    public long withinSla;
    public long slaTargetSeconds;

    public ReplySamples() {}

    public void add(double frtSeconds, boolean within, long targetSeconds) {
        if (count == seconds.length) {
            seconds = Arrays.copyOf(seconds, count * 2);
        }
        seconds[count++] = frtSeconds;
        if (within) {
            withinSla++;
        }
        slaTargetSeconds = targetSeconds;
    }

    public void addAll(ReplySamples other) {
        if (count + other.count > seconds.length) {
            seconds = Arrays.copyOf(seconds, Math.max(seconds.length * 2, count + other.count));
        }
        System.arraycopy(other.seconds, 0, seconds, count, other.count);
        count += other.count;
        withinSla += other.withinSla;
        slaTargetSeconds = other.slaTargetSeconds;
    }
}
