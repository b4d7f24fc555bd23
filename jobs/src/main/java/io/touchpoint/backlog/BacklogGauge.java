package io.touchpoint.backlog;

/**
 * The backlog of one channel at one minute boundary (SPEC §4.4), from the clocks running at that instant and the
 * cycles that ended without a reply during the minute before it.
 */
public final class BacklogGauge {

    private long awaiting;
    private long earliestStart = Long.MAX_VALUE;
    private long overSla;

    /** Counts one running clock at boundary {@code at}. */
    public void running(long start, long slaDeadline, long at) {
        awaiting++;
        earliestStart = Math.min(earliestStart, start);
        if (slaDeadline < at) {
            overSla++;
        }
    }

    public long awaiting() {
        return awaiting;
    }

    public long overSla() {
        return overSla;
    }

    /** Plain elapsed seconds of the longest-waiting clock at {@code at}; 0 when none runs. */
    public double oldestWaitSeconds(long at) {
        return awaiting == 0 ? 0.0 : (at - earliestStart) / 1000.0;
    }
}
