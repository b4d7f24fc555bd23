package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;

/** Levels of SPEC §4.6: LOW < 40 <= MEDIUM < 70 <= HIGH. */
public final class RiskLevels {

    public static final double MEDIUM = 40.0;
    public static final double HIGH = 70.0;

    private RiskLevels() {}

    public static RiskLevel of(double score) {
        if (score >= HIGH) {
            return RiskLevel.HIGH;
        }
        return score >= MEDIUM ? RiskLevel.MEDIUM : RiskLevel.LOW;
    }
}
