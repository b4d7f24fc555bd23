package io.touchpoint.backlog;

import java.util.Objects;

/** A reply clock of one conversation started or ended; what the backlog gauge of its channel is built from. */
public class ClockChange {

    /** How a clock changed. */
    public enum Kind {
        STARTED,
        REPLIED,
        ABANDONED,
        EXPIRED
    }

    public String channel;
    public String conversationId;
    public Kind kind;
    /** Event time of the change. */
    public long at;
    /** The clock's start: for STARTED equal to {@link #at}; for an end, kept so that the end can be undone. */
    public long start;
    /** When the clock passes its SLA target ({@link Long#MAX_VALUE} if never). */
    public long slaDeadline = Long.MAX_VALUE;
    /**
     * This change no longer holds: a late event rebuilt the conversation's clock and it did not happen again. It
     * cancels the equal change of its minute (see {@link BacklogFunction}).
     */
    public boolean retracted;

    public ClockChange() {}

    public static ClockChange started(String channel, String conversationId, long at, long slaDeadline) {
        return of(channel, conversationId, Kind.STARTED, at, at, slaDeadline);
    }

    /** A change of a clock that started at {@code start} with that deadline. */
    public static ClockChange of(String channel, String conversationId, Kind kind, long at, long start,
            long slaDeadline) {
        ClockChange c = of(channel, conversationId, kind, at);
        c.start = start;
        c.slaDeadline = slaDeadline;
        return c;
    }

    public static ClockChange of(String channel, String conversationId, Kind kind, long at) {
        ClockChange c = new ClockChange();
        c.channel = channel;
        c.conversationId = conversationId;
        c.kind = kind;
        c.at = at;
        return c;
    }

    /** A copy to keep in state: with object reuse on, the input object is overwritten by the next record. */
    public ClockChange copy() {
        ClockChange c = of(channel, conversationId, kind, at, start, slaDeadline);
        c.retracted = retracted;
        return c;
    }

    /** The same change, marked as taken back. */
    public ClockChange retraction() {
        ClockChange c = copy();
        c.retracted = true;
        return c;
    }

    /** Equal changes, whether or not taken back. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ClockChange c && kind == c.kind && at == c.at && start == c.start
                && slaDeadline == c.slaDeadline && Objects.equals(channel, c.channel)
                && Objects.equals(conversationId, c.conversationId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(conversationId, kind, at);
    }

    @Override
    public String toString() {
        return (retracted ? "retracted " : "") + kind + " " + channel + "/" + conversationId + " at " + at;
    }
}
