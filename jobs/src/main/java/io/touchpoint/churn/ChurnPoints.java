package io.touchpoint.churn;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Points of each churn signal (SPEC §4.6), overridable with a spec like {@code nps_detractor_low=50,reopen=5}, and
 * the half-life of their decay.
 */
public final class ChurnPoints implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The signals of SPEC §4.6; the name is what reasons and configuration use. */
    public enum Signal {
        NPS_DETRACTOR_LOW(40),  // NPS 0-3
        NPS_DETRACTOR(30),      // NPS 4-6
        NPS_PROMOTER(-20),      // NPS 9-10
        CSAT_LOW(20),           // CSAT 1-2
        SLA_BREACH(15),         // a reply after the SLA, or a clock that passed it unanswered
        ABANDONED(15),
        REPEAT_CONTACT(15),     // third and each further conversation opened within 7 days
        REOPEN(10),
        CANCELLATION_REQUEST(40),
        NEGATIVE_SENTIMENT(5);  // customer message with sentiment < -0.5

        private final double defaultPoints;
        private final String label;

        Signal(double defaultPoints) {
            this.defaultPoints = defaultPoints;
            this.label = name().toLowerCase(Locale.ROOT);
        }

        public String label() {
            return label;
        }
    }

    public static final double DEFAULT_HALF_LIFE_DAYS = 14.0;

    private final EnumMap<Signal, Double> points = new EnumMap<>(Signal.class);
    private final long halfLifeMillis;

    public ChurnPoints(Map<Signal, Double> overrides, double halfLifeDays) {
        for (Signal s : Signal.values()) {
            points.put(s, overrides.getOrDefault(s, s.defaultPoints));
        }
        if (!(halfLifeDays > 0)) {
            throw new IllegalArgumentException("churn half-life must be positive, got " + halfLifeDays);
        }
        this.halfLifeMillis = Math.round(halfLifeDays * 86_400_000L);
    }

    public static ChurnPoints defaults() {
        return new ChurnPoints(Map.of(), DEFAULT_HALF_LIFE_DAYS);
    }

    /** Parses {@code signal=points,...} (signal names as in {@link Signal#label()}). */
    public static ChurnPoints parse(String spec, double halfLifeDays) {
        Map<Signal, Double> overrides = new EnumMap<>(Signal.class);
        if (spec != null && !spec.isBlank()) {
            for (String entry : spec.split(",")) {
                String[] kv = entry.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("churn points take signal=points, got '" + entry.strip() + "'");
                }
                Signal signal;
                try {
                    signal = Signal.valueOf(kv[0].strip().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown churn signal '" + kv[0].strip() + "'");
                }
                try {
                    overrides.put(signal, Double.parseDouble(kv[1].strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("churn points of " + signal.label() + " must be a number");
                }
            }
        }
        return new ChurnPoints(overrides, halfLifeDays);
    }

    public double of(Signal signal) {
        return points.get(signal);
    }

    public long halfLifeMillis() {
        return halfLifeMillis;
    }
}
