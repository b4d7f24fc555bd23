package io.touchpoint.churn;

import java.util.ArrayList;
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

    public ChurnReplay() {}

    ChurnReplay(ChurnState base, long since) {
        this.base = base;
        this.since = since;
    }
}
