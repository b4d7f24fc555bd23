package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;

/** A customer's churn-risk level changed; becomes a {@code ChurnRiskSignal} and moves the per-channel gauges. */
public class LevelChange {
    public String customerId;
    public long at;
    public double score;
    public RiskLevel level;
    public RiskLevel previousLevel;
    /** Channel and touchpoint of the event that changed the level (for a change by decay: of the last change). */
    public String channel;
    public String touchpoint;
    /** The channel the previous level was attributed to, so its gauge can be decremented; null from LOW. */
    public String previousChannel;
    /** Reasons still worth at least one point, strongest first. */
    public String[] reasonSignals;
    public double[] reasonPoints;
    public long[] reasonTimes;
    /**
     * For the gauges: this change, sent earlier, did not happen after all (a late input rewrote the customer's
     * history from its time); its counts are taken back.
     */
    public boolean retracted;

    public LevelChange() {}

    /** What identifies a change for the gauges and the signals: when, from where to where, attributed to what. */
    String identity() {
        return at + " " + previousLevel + ">" + level + " " + previousChannel + ">" + channel;
    }

    LevelChange retraction() {
        LevelChange r = new LevelChange();
        r.customerId = customerId;
        r.at = at;
        r.score = score;
        r.level = level;
        r.previousLevel = previousLevel;
        r.channel = channel;
        r.touchpoint = touchpoint;
        r.previousChannel = previousChannel;
        r.reasonSignals = reasonSignals;
        r.reasonPoints = reasonPoints;
        r.reasonTimes = reasonTimes;
        r.retracted = true;
        return r;
    }

    @Override
    public String toString() {
        return (retracted ? "retracted " : "") + customerId + " " + previousLevel + "->" + level + " at " + at + " score " + score + " via " + channel;
    }
}
