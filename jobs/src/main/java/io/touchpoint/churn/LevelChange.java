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

    public LevelChange() {}

    @Override
    public String toString() {
        return customerId + " " + previousLevel + "->" + level + " at " + at + " score " + score + " via " + channel;
    }
}
