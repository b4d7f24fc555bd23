package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The churn-risk score of one customer (SPEC §4.6): the sum of signal points, each decaying exponentially with the
 * half-life, clamped to [0, 100].
 *
 * <p>State: the signals still worth at least {@link #NEGLIGIBLE} points, oldest first; older ones are dropped as
 * they decay, so the list stays short. The owner drops the whole score after 90 days without events.
 */
public class ChurnScore {

    /** Signals worth less than this (in absolute points) no longer matter and are dropped. */
    static final double NEGLIGIBLE = 0.01;
    /** Reasons are the signals still worth at least this many points (SPEC §4.6). */
    public static final double REASON_MIN_POINTS = 1.0;

    /** One signal as it happened. Public fields: kept in Flink state as a POJO. */
    public static class Entry {
        public String signal;
        public double points;
        public long at;

        public Entry() {}

        public Entry(String signal, double points, long at) {
            this.signal = signal;
            this.points = points;
            this.at = at;
        }
    }

    /** A signal with its points decayed to a given instant. */
    public record Reason(String signal, double points, long at) {}

    public List<Entry> entries = new ArrayList<>();

    public ChurnScore() {}

    public void add(String signal, double points, long at) {
        entries.add(new Entry(signal, points, at));
    }

    /** The unclamped sum at {@code now}. */
    public double raw(long now, long halfLifeMillis) {
        double sum = 0;
        for (Entry e : entries) {
            sum += decayed(e.points, e.at, now, halfLifeMillis);
        }
        return sum;
    }

    /** The score at {@code now}, in [0, 100]. */
    public double score(long now, long halfLifeMillis) {
        return Math.max(0.0, Math.min(100.0, raw(now, halfLifeMillis)));
    }

    public RiskLevel level(long now, long halfLifeMillis) {
        return RiskLevels.of(score(now, halfLifeMillis));
    }

    /** Signals still worth at least one point at {@code now}, strongest first. */
    public List<Reason> reasons(long now, long halfLifeMillis) {
        List<Reason> reasons = new ArrayList<>();
        for (Entry e : entries) {
            double worth = decayed(e.points, e.at, now, halfLifeMillis);
            if (Math.abs(worth) >= REASON_MIN_POINTS) {
                reasons.add(new Reason(e.signal, worth, e.at));
            }
        }
        reasons.sort(Comparator.comparingDouble((Reason r) -> -Math.abs(r.points())).thenComparingLong(Reason::at));
        return reasons;
    }

    /** Drops the signals that no longer matter at {@code now}. */
    public void prune(long now, long halfLifeMillis) {
        entries.removeIf(e -> Math.abs(decayed(e.points, e.at, now, halfLifeMillis)) < NEGLIGIBLE);
    }

    static double decayed(double points, long at, long now, long halfLifeMillis) {
        return points * Math.pow(2.0, -(double) (now - at) / halfLifeMillis);
    }
}
