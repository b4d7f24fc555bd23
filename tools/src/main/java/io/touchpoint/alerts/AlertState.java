package io.touchpoint.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * Where one alert of a rule stands at an instant, as Grafana's evaluation every minute leaves it.
 *
 * @param series the value of the rule's series tag (a channel or a topic); empty for the rule's no-data or error
 *     alert, which has no series
 * @param since when it became pending, or when it started firing; null when normal
 * @param value the reduced value at the instant, or null (no data, error)
 * @param detail why there is no value (no data, the query's error), or empty
 */
public record AlertState(AlertRule rule, String series, State state, Instant since, Double value, String detail) {

    public enum State {
        NORMAL("Normal"), PENDING("Pending"), FIRING("Firing"), NO_DATA("NoData"), ERROR("Error");

        private final String grafanaName;

        State(String grafanaName) {
            this.grafanaName = grafanaName;
        }

        /** The name Grafana shows (and the rule tests use, in any letter case). */
        public String grafanaName() {
            return grafanaName;
        }

        public static State of(String name) {
            for (State s : values()) {
                if (s.grafanaName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown alert state '" + name + "' (Normal, Pending, Firing, NoData, Error)");
        }
    }

    /** Pending or firing: an alert Grafana shows in its alert list. */
    public boolean active() {
        return state == State.PENDING || state == State.FIRING;
    }

    /** The labels the alert carries: the series tag and the rule's labels rendered for it. */
    public Map<String, String> labels() {
        return rule.labelsFor(series);
    }
}
