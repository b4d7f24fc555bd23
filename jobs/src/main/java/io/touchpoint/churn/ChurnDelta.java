package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import java.util.function.Consumer;

/** What one level change does to one channel's churn-risk counts. */
public class ChurnDelta {
    public String channel;
    public long at;
    public int high;
    public int medium;
    public int newHigh;
    public int newMedium;
    public int recovered;

    public ChurnDelta() {}

    /**
     * The channel of the change gains the customer at the new level (and counts the transition); the channel the
     * previous level was attributed to loses it. A retracted change takes all of that back.
     */
    public static void of(LevelChange c, Consumer<ChurnDelta> out) {
        Consumer<ChurnDelta> signed = c.retracted ? d -> out.accept(d.negated()) : out;
        ChurnDelta here = new ChurnDelta();
        here.channel = c.channel;
        here.at = c.at;
        here.high = c.level == RiskLevel.HIGH ? 1 : 0;
        here.medium = c.level == RiskLevel.MEDIUM ? 1 : 0;
        here.newHigh = here.high;
        here.newMedium = here.medium;
        here.recovered = c.previousLevel == RiskLevel.HIGH ? 1 : 0;
        if (c.previousChannel != null && c.previousChannel.equals(c.channel)) {
            here.high -= c.previousLevel == RiskLevel.HIGH ? 1 : 0;
            here.medium -= c.previousLevel == RiskLevel.MEDIUM ? 1 : 0;
        } else if (c.previousChannel != null) {
            ChurnDelta there = new ChurnDelta();
            there.channel = c.previousChannel;
            there.at = c.at;
            there.high = c.previousLevel == RiskLevel.HIGH ? -1 : 0;
            there.medium = c.previousLevel == RiskLevel.MEDIUM ? -1 : 0;
            signed.accept(there);
        }
        signed.accept(here);
    }

    private ChurnDelta negated() {
        high = -high;
        medium = -medium;
        newHigh = -newHigh;
        newMedium = -newMedium;
        recovered = -recovered;
        return this;
    }

    ChurnDelta copy() {
        ChurnDelta d = new ChurnDelta();
        d.channel = channel;
        d.at = at;
        d.high = high;
        d.medium = medium;
        d.newHigh = newHigh;
        d.newMedium = newMedium;
        d.recovered = recovered;
        return d;
    }
}
