package io.touchpoint.frt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one call on a {@link ReplyClock} did, for its owner to emit: whether the event was a duplicate, whether a
 * clock started (read its start, channel and deadline from the clock), the reply sample if one was measured, and
 * the cycle outcomes in event-time order.
 */
public final class ClockStep {

    private boolean duplicate;
    private boolean started;
    private boolean forgotten;
    private ReplySample reply;
    private final List<CycleOutcome> outcomes = new ArrayList<>(2);

    ClockStep() {}

    /** The event's id was seen before in this conversation: it was dropped and changed nothing. */
    public boolean duplicate() {
        return duplicate;
    }

    /** A new clock started at this event. */
    public boolean started() {
        return started;
    }

    /**
     * The conversation had no event for its lifetime and was forgotten: the clock is empty again (its owner may
     * drop the state). Only from {@link ReplyClock#advanceTo}; an event after the lifetime starts afresh and leaves
     * the clock holding the new conversation.
     */
    public boolean forgotten() {
        return forgotten;
    }

    /** The first response measured by this event, or null. */
    public ReplySample reply() {
        return reply;
    }

    public List<CycleOutcome> outcomes() {
        return Collections.unmodifiableList(outcomes);
    }

    void markDuplicate() {
        duplicate = true;
    }

    void markStarted() {
        started = true;
    }

    void markForgotten(boolean value) {
        forgotten = value;
    }

    void reply(ReplySample sample) {
        reply = sample;
    }

    void outcome(CycleOutcome outcome) {
        outcomes.add(outcome);
    }

    @Override
    public String toString() {
        return "ClockStep{duplicate=" + duplicate + ", started=" + started + ", forgotten=" + forgotten + ", reply="
                + reply + ", outcomes=" + outcomes + '}';
    }
}
