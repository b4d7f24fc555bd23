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
        int i = Arrays.binarySearch(settles, at);
        if (i >= 0) {
            return false;
        }
        int insert = -i - 1;
        long[] grown = new long[settles.length + 1];
        System.arraycopy(settles, 0, grown, 0, insert);
        grown[insert] = at;
        System.arraycopy(settles, insert, grown, insert + 1, settles.length - insert);
        settles = grown;
        return true;
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
