package io.touchpoint.frt;

/** How a reply cycle turned out, per customer, for the churn-risk pipeline. */
public class CycleOutcome {

    /** The outcomes of a cycle; PASSED_SLA_UNANSWERED comes once, when a running clock passes its target. */
    public enum Kind {
        REPLIED_WITHIN_SLA,
        REPLIED_AFTER_SLA,
        PASSED_SLA_UNANSWERED,
        ABANDONED,
        EXPIRED
    }

    public Kind kind;
    public String customerId;
    public String conversationId;
    public String channel;
    public String touchpoint;
    public long at;

    public CycleOutcome() {}

    public CycleOutcome(Kind kind, String customerId, String conversationId, String channel, String touchpoint, long at) {
        this.kind = kind;
        this.customerId = customerId;
        this.conversationId = conversationId;
        this.channel = channel;
        this.touchpoint = touchpoint;
        this.at = at;
    }

    @Override
    public String toString() {
        return kind + " " + customerId + " " + channel + "/" + touchpoint + " at " + at;
    }
}
