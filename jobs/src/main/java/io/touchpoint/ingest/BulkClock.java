package io.touchpoint.ingest;

import java.util.Arrays;

/**
 * The event time that the bulk of one partition's events has reached, so that a minority of records with a wrong
 * clock cannot move it (SPEC §3, docs/design.md "Bad clocks").
 *
 * <p>The time advances in two ways:
 * <ul>
 *   <li>a step: an event at most {@link #STEP} ahead of the time (or of the {@code reference} the caller knows,
 *       e.g. a watermark that followed the wall clock) moves it at once, so data in time order is followed without
 *       delay;</li>
 *   <li>a jump: to the time that {@link #QUORUM} of the last {@link #RECENT} events have reached, and on through
 *       the remembered events that follow it a step apart. A gap in the data is crossed once that many events lie
 *       beyond it; a few records far ahead never make a quorum.</li>
 * </ul>
 * Until the partition has had {@link #QUORUM} events there is no bulk yet, and the time is unknown
 * ({@link Long#MIN_VALUE}) unless a step from the reference applies. The time never goes back.
 *
 * <p>State: the last {@link #RECENT} event times and the time, for as long as the partition is read; nothing is
 * checkpointed (after a restore the clock starts afresh, like the watermark generator it serves).
 *
 * <p>Cost: after a gap longer than a step, the time waits for {@code QUORUM} events, and a burst of fewer than
 * {@code QUORUM} records at the head of a partition is outvoted only if the next events contradict it.
 */
public final class BulkClock {

    /** How many of the recent events must have reached a time before a jump to it. */
    public static final int QUORUM = 16;
    /** The recent events remembered: a jump needs half of them. */
    public static final int RECENT = 2 * QUORUM;
    /** The largest advance a single event makes on its own. */
    public static final long STEP = 60_000L;
    /**
     * At the end of the input, the largest gap between the remembered events beyond the time that still makes them
     * part of the data: a sparse tail (a quiet night, a few minutes between events) is, a record hours ahead is not.
     */
    public static final long END_GAP = 3_600_000L;

    private final long[] recent = new long[RECENT];
    private final long[] sorted = new long[RECENT];
    private long seen;
    private long time = Long.MIN_VALUE;

    /**
     * Adds the event time of a valid event and returns the bulk time after it.
     *
     * @param reference a time the bulk is known to have reached already ({@link Long#MIN_VALUE} for none)
     */
    public long observe(long eventTime, long reference) {
        recent[(int) (seen % RECENT)] = eventTime;
        seen++;
        long from = Math.max(time, reference);
        if (from != Long.MIN_VALUE && eventTime <= from + STEP) {
            time = Math.max(time, eventTime);
        }
        // Invariant: fewer than QUORUM remembered events lie beyond the time. An event at or before the time keeps
        // it (the one it displaced can only have lowered that count), so the quorum is counted only otherwise.
        if (seen == QUORUM || (seen > QUORUM && eventTime > time)) {
            jump();
        }
        return time;
    }

    /** The bulk time: {@link Long#MIN_VALUE} while unknown. */
    public long time() {
        return time;
    }

    /** Whether a quorum of events has been seen, i.e. the time is the bulk's and not a single event's. */
    public boolean established() {
        return seen >= QUORUM;
    }

    /**
     * Where the partition's data ends, once its input has ended: the time, carried on through the remembered events
     * beyond it that follow each other at most {@link #END_GAP} apart (they may have been waiting for a quorum that
     * the end of the input cut short). Without a quorum, the latest event. {@link Long#MIN_VALUE} without events.
     */
    public long endOfInput() {
        int n = sortRemembered();
        if (n == 0) {
            return Long.MIN_VALUE;
        }
        if (!established()) {
            return sorted[n - 1];
        }
        long end = time;
        for (int i = 0; i < n && sorted[i] <= end + END_GAP; i++) {
            end = Math.max(end, sorted[i]);
        }
        return end;
    }

    /**
     * Moves the time to the {@code QUORUM}-th largest remembered event time, and from there on through the remembered
     * events that each lie within a step of the one before, as if they had come in order: sparse data (a minute or
     * so apart) is then followed closely once a quorum has been reached, and a record far ahead still is not.
     */
    private void jump() {
        int n = sortRemembered();
        time = Math.max(time, sorted[n - QUORUM]);
        for (int i = n - QUORUM + 1; i < n && sorted[i] <= time + STEP; i++) {
            time = Math.max(time, sorted[i]);
        }
    }

    /** Copies the remembered event times into {@code sorted}, in order, and returns how many there are. */
    private int sortRemembered() {
        int n = (int) Math.min(seen, RECENT);
        System.arraycopy(recent, 0, sorted, 0, n);
        Arrays.sort(sorted, 0, n);
        return n;
    }
}
