package io.touchpoint.alerts;

import io.touchpoint.alerts.AlertState.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Grafana's alert state machine, replayed backwards from one instant: a series whose condition holds becomes
 * Pending at the first evaluation where it holds and Firing at the first evaluation at least the pending period
 * ({@code for}) later, provided it held at every evaluation in between; one evaluation where it does not hold (or
 * the series is gone) makes it Normal again, i.e. resolved. A query that returns nothing at all is the rule's
 * no-data state ({@code OK}: Normal, {@code NoData}, or {@code Alerting}: a condition that holds, through the
 * pending period as well); a query InfluxDB refuses is its error state ({@code Error}, {@code Alerting}: Firing,
 * {@code OK}: Normal).
 */
public final class AlertStates {

    /** How far back a holding condition is followed to find when it started: six hours of evaluations. */
    static final int MAX_STEPS = 360;

    private AlertStates() {}

    /**
     * @param evaluations the rule's evaluation {@code k} intervals before {@code at}, for k = 0, 1, ...
     * @return one state per series of the evaluation at {@code at} (by series), or one for the whole rule when it
     *     has no data or failed
     */
    public static List<AlertState> at(AlertRule rule, Instant at, Duration interval, IntFunction<Evaluation> evaluations) {
        List<Evaluation> seen = new ArrayList<>();
        IntFunction<Evaluation> step = k -> {
            while (seen.size() <= k) {
                seen.add(evaluations.apply(seen.size()));
            }
            return seen.get(k);
        };
        Evaluation now = step.apply(0);
        if (now.failed()) {
            return List.of(switch (rule.execErrState()) {
                case "OK" -> new AlertState(rule, "", State.NORMAL, null, null, now.error());
                case "Alerting" -> new AlertState(rule, "", State.FIRING, at, null, now.error());
                default -> new AlertState(rule, "", State.ERROR, at, null, now.error());
            });
        }
        if (now.noData()) {
            return List.of(switch (rule.noDataState()) {
                case "OK" -> new AlertState(rule, "", State.NORMAL, null, null, "no data");
                case "Alerting" -> active(rule, "", at, interval, streak(k -> step.apply(k).noData()), null,
                        "no data");
                default -> new AlertState(rule, "", State.NO_DATA, at, null, "no data");
            });
        }
        List<AlertState> states = new ArrayList<>();
        for (Map.Entry<String, Double> e : now.values().entrySet()) {
            String series = e.getKey();
            if (!rule.holds(e.getValue())) {
                states.add(new AlertState(rule, series, State.NORMAL, null, e.getValue(), ""));
                continue;
            }
            int streak = streak(k -> {
                Double v = step.apply(k).values().get(series);
                return v != null && rule.holds(v);
            });
            states.add(active(rule, series, at, interval, streak, e.getValue(), ""));
        }
        return states;
    }

    /** How many consecutive evaluations, from the latest back, the condition held (at least 1, at most MAX_STEPS). */
    private static int streak(IntPredicate holds) {
        int n = 1;
        while (n < MAX_STEPS && holds.test(n)) {
            n++;
        }
        return n;
    }

    private static AlertState active(AlertRule rule, String series, Instant at, Duration interval, int streak,
            Double value, String detail) {
        Instant pendingSince = at.minus(interval.multipliedBy(streak - 1));
        Instant firingFrom = pendingSince.plus(roundUp(rule.pendingPeriod(), interval));
        if (!firingFrom.isAfter(at)) {
            return new AlertState(rule, series, State.FIRING, firingFrom, value,
                    streak == MAX_STEPS ? "or earlier" : detail);
        }
        return new AlertState(rule, series, State.PENDING, pendingSince, value, detail);
    }

    /** Evaluations happen every interval, so a pending period ends at the first evaluation at or after it. */
    private static Duration roundUp(Duration pending, Duration interval) {
        long steps = (pending.toMillis() + interval.toMillis() - 1) / interval.toMillis();
        return interval.multipliedBy(steps);
    }
}
