package io.touchpoint.churn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a customer keeps while an input may still arrive late for them: the state as of {@link #since} and the inputs
 * applied after it, in application order, so that a late input can re-evaluate the customer from its time.
 */
public class ChurnReplay {
    public ChurnState base;
    /** Inputs up to this instant are in {@link #base}; a later input can only be after it. */
    public long since;
    public List<ChurnInput> inputs = new ArrayList<>();
    /**
     * Instants at which what may no longer be revised is settled, ascending (the operator's wake-ups); null in a
     * replay restored from a version that kept them as Flink timers.
     */
    public long[] settles = NONE;

    private static final long[] NONE = new long[0];

    public ChurnReplay() {}

    ChurnReplay(ChurnState base, long since) {
        this.base = base;
        this.since = since;
    }

    /** Adds a settling instant; false if it was there already. */
    boolean settleAt(long at) {
        if (settles == null) {
            settles = NONE;
        }
        long[] grown = inserted(settles, at);
        if (grown == settles) {
            return false;
        }
        settles = grown;
        return true;
    }

    /** {@code sorted} (ascending, distinct) with {@code at} in its place; {@code sorted} itself if it holds it. */
    static long[] inserted(long[] sorted, long at) {
        int i = Arrays.binarySearch(sorted, at);
        if (i >= 0) {
            return sorted;
        }
        int insert = -i - 1;
        long[] grown = new long[sorted.length + 1];
        System.arraycopy(sorted, 0, grown, 0, insert);
        grown[insert] = at;
        System.arraycopy(sorted, insert, grown, insert + 1, sorted.length - insert);
        return grown;
    }

    /** Forgets the settling instants up to {@code at}: they are being taken. */
    void settled(long at) {
        if (settles == null) {
            settles = NONE;
        }
        int n = 0;
        while (n < settles.length && settles[n] <= at) {
            n++;
        }
        if (n > 0) {
            settles = n == settles.length ? NONE : Arrays.copyOfRange(settles, n, settles.length);
        }
    }
}
