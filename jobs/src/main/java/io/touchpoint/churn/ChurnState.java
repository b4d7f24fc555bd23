package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import java.util.ArrayList;
import java.util.List;

/** Everything kept per customer: the score, the level and where it was attributed, recent conversation openings. */
public class ChurnState {
    public ChurnScore score = new ChurnScore();
    public RiskLevel level = RiskLevel.LOW;
    public String levelChannel;
    public String levelTouchpoint;
    /** Times of conversations opened in the last 7 days. */
    public List<Long> openings = new ArrayList<>();
    public long lastEvent;

    public ChurnState() {}
}
