package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import java.io.Serializable;

/**
 * A {@link ReplyClock}'s cycle as it stood after the events folded into it, when later events are kept to be replayed
 * on it ({@link ConversationLog}): the clock's fields but the ids seen, the log and the conversation id (the key's).
 * Whether the SLA had passed follows from them and the time. A Flink POJO (public fields, no-arg
 * constructor).
 */
public class ClockBase implements Serializable {

    private static final long serialVersionUID = 1L;

    public byte phase;
    public long start;
    public long slaDeadline = Long.MAX_VALUE;
    public long expiresAt = Long.MAX_VALUE;
    public Channel channel;
    public String touchpoint;
    public String customerId;

    public ClockBase() {}

    /** A copy with every field. */
    ClockBase copy() {
        ClockBase c = new ClockBase();
        c.phase = phase;
        c.start = start;
        c.slaDeadline = slaDeadline;
        c.expiresAt = expiresAt;
        c.channel = channel;
        c.touchpoint = touchpoint;
        c.customerId = customerId;
        return c;
    }

    static ClockBase of(ReplyClock clock) {
        ClockBase b = new ClockBase();
        b.phase = clock.phase;
        b.start = clock.start;
        b.slaDeadline = clock.slaDeadline;
        b.expiresAt = clock.expiresAt;
        b.channel = clock.channel;
        b.touchpoint = clock.touchpoint;
        b.customerId = clock.customerId;
        return b;
    }

    /**
     * A clock of this cycle for {@code conversationId} as of {@code time}, which lies between its latest event and any
     * event still to come (whether the SLA had passed by then is all that depends on it).
     */
    ReplyClock clock(String conversationId, long time) {
        ReplyClock c = new ReplyClock();
        c.phase = phase;
        c.start = start;
        c.slaDeadline = slaDeadline;
        c.expiresAt = expiresAt;
        c.channel = channel;
        c.touchpoint = touchpoint;
        c.customerId = customerId;
        c.conversationId = conversationId;
        c.slaPassed = c.slaPassedAsOf(time);
        return c;
    }
}
