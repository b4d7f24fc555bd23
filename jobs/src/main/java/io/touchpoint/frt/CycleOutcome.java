package io.touchpoint.frt;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a reply cycle turned out, per customer, for the churn-risk pipeline. A Flink POJO (public fields, no-arg
 * constructor).
 */
public class CycleOutcome implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The outcomes of a cycle. */
    public enum Kind {
        /** An agent replied and the counted time was at most the target. */
        REPLIED_WITHIN_SLA,
        /** An agent replied after the target; always preceded by this cycle's PASSED_SLA_UNANSWERED. */
        REPLIED_AFTER_SLA,
        /** The running clock passed its target; at most once per cycle, at the instant it passed. */
        PASSED_SLA_UNANSWERED,
        /** Resolved or abandoned by the customer before any agent reply. */
        ABANDONED,
        /** Still running when the conversation was forgotten (no event for its lifetime). */
        EXPIRED
    }

    public Kind kind;
    public String customerId;
    public String conversationId;
    /** Channel (as its tag value, lower case) and touchpoint of the event that started the clock. */
    public String channel;
    public String touchpoint;
    /** Event time of the outcome (epoch ms): the reply, the end, the SLA passing, or the expiry. */
    public long at;
    /** The cycle's clock: its start and SLA deadline (see {@link ReplyClock#slaDeadline}), for the backlog. */
    public long start;
    public long slaDeadline = Long.MAX_VALUE;
    /** This outcome no longer holds: a late event rebuilt the conversation's clock and it did not happen again. */
    public boolean retracted;

    public CycleOutcome() {}

    public CycleOutcome(Kind kind, String customerId, String conversationId, String channel, String touchpoint,
            long at) {
        this.kind = kind;
        this.customerId = customerId;
        this.conversationId = conversationId;
        this.channel = channel;
        this.touchpoint = touchpoint;
        this.at = at;
    }

    /** The same outcome, marked as taken back. */
    public CycleOutcome retraction() {
        CycleOutcome r = new CycleOutcome(kind, customerId, conversationId, channel, touchpoint, at);
        r.start = start;
        r.slaDeadline = slaDeadline;
        r.retracted = true;
        return r;
    }

    /** Equal outcomes, whether or not taken back. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CycleOutcome c && kind == c.kind && at == c.at && start == c.start
                && slaDeadline == c.slaDeadline && Objects.equals(customerId, c.customerId)
                && Objects.equals(conversationId, c.conversationId) && Objects.equals(channel, c.channel)
                && Objects.equals(touchpoint, c.touchpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, conversationId, at);
    }

    @Override
    public String toString() {
        return (retracted ? "retracted " : "") + kind + " " + customerId + " " + channel + "/" + touchpoint + " conv=" + conversationId + " at " + at;
    }
}
