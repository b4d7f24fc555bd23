package io.touchpoint.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.alerts.AlertState.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertStatesTest {

    private static final Instant AT = Instant.parse("2026-03-02T11:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static AlertRule rule(String threshold, String pending, String noData, String error) {
        return new AlertRule("r", "R", "SELECT last(\"x\") FROM \"m\" WHERE $timeFilter GROUP BY \"channel\"", 600,
                "last", "dropNN", threshold, 2, AlertRule.duration(pending), noData, error, Map.of(), "", "channel");
    }

    /** Values per evaluation, latest first. */
    private static List<AlertState> states(AlertRule rule, List<Map<String, Double>> latestFirst) {
        return AlertStates.at(rule, AT, MINUTE,
                k -> k < latestFirst.size() ? Evaluation.of(latestFirst.get(k)) : Evaluation.of(Map.of()));
    }

    @Test
    void pendingFromTheFirstEvaluationThatHoldsFiringOncePendingPeriodHasPassed() {
        AlertRule rule = rule("gt", "2m", "OK", "Error");
        // held at 11:00 and 10:59, not at 10:58: pending since 10:59
        List<AlertState> s = states(rule, List.of(Map.of("chat", 3.0), Map.of("chat", 2.5), Map.of("chat", 2.0)));
        assertThat(s).containsExactly(new AlertState(rule, "chat", State.PENDING, AT.minusSeconds(60), 3.0, ""));
        // held at 11:00, 10:59, 10:58: pending since 10:58, firing from 11:00
        s = states(rule, List.of(Map.of("chat", 3.0), Map.of("chat", 2.5), Map.of("chat", 2.1), Map.of()));
        assertThat(s).containsExactly(new AlertState(rule, "chat", State.FIRING, AT, 3.0, ""));
        // held for an hour: firing since 2 minutes after the first holding evaluation, 10:00 + 2 min
        s = states(rule, java.util.Collections.nCopies(61, Map.of("chat", 5.0)));
        assertThat(s.get(0).since()).isEqualTo(Instant.parse("2026-03-02T10:02:00Z"));
    }

    @Test
    void aSeriesMissingOnceEndsTheStreak() {
        AlertRule rule = rule("lt", "1m", "OK", "Error");
        List<AlertState> s = states(rule, List.of(Map.of("sms", 0.0, "chat", 5.0), Map.of("sms", 0.5),
                Map.of("chat", 0.0), Map.of("sms", 0.0)));
        assertThat(s).containsExactlyInAnyOrder(
                new AlertState(rule, "chat", State.NORMAL, null, 5.0, ""),
                new AlertState(rule, "sms", State.FIRING, AT, 0.0, ""));
    }

    @Test
    void noDataAndErrorStates() {
        assertThat(states(rule("gt", "5m", "OK", "Error"), List.of(Map.of())))
                .extracting(AlertState::state, AlertState::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(State.NORMAL, "no data"));
        assertThat(states(rule("gt", "5m", "NoData", "Error"), List.of(Map.of())))
                .extracting(AlertState::state).containsExactly(State.NO_DATA);
        // Alerting: no data through the pending period like a condition that holds; 3 evaluations without data
        AlertRule alerting = rule("gt", "2m", "Alerting", "Error");
        List<AlertState> s = states(alerting, List.of(Map.of(), Map.of(), Map.of(), Map.of("chat", 1.0)));
        assertThat(s).containsExactly(new AlertState(alerting, "", State.FIRING, AT, null, "no data"));
        AlertRule failing = rule("gt", "2m", "OK", "Error");
        assertThat(AlertStates.at(failing, AT, MINUTE, k -> Evaluation.failed("boom")))
                .containsExactly(new AlertState(failing, "", State.ERROR, AT, null, "boom"));
        AlertRule failingAlerts = rule("gt", "2m", "OK", "Alerting");
        assertThat(AlertStates.at(failingAlerts, AT, MINUTE, k -> Evaluation.failed("boom")))
                .extracting(AlertState::state).containsExactly(State.FIRING);
    }
}
