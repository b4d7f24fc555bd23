package io.touchpoint.backlog;

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
    /** For STARTED: when the clock passes its SLA target ({@link Long#MAX_VALUE} if never). */
    public long slaDeadline = Long.MAX_VALUE;

    public ClockChange() {}

    public static ClockChange started(String channel, String conversationId, long at, long slaDeadline) {
        ClockChange c = of(channel, conversationId, Kind.STARTED, at);
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
        ClockChange c = of(channel, conversationId, kind, at);
        c.slaDeadline = slaDeadline;
        return c;
    }

    @Override
    public String toString() {
        return kind + " " + channel + "/" + conversationId + " at " + at;
    }
}
