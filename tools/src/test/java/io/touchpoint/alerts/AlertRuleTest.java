package io.touchpoint.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provisioned rules and policies as the evaluator reads them, and the small parsers behind them. */
class AlertRuleTest {

    private static final Path ALERTING = RuleTestsITCase.root().resolve("grafana/provisioning/alerting");

    @Test
    void provisionedRulesAreRead() throws Exception {
        List<AlertRule> rules = AlertRule.load(ALERTING.resolve("rules.yaml"));
        assertThat(rules).extracting(AlertRule::uid).containsExactly("nps-significantly-low", "frt-p90-over-sla",
                "oldest-wait-over-twice-sla", "sla-attainment-low", "churn-risk-spike", "channel-silent",
                "pipeline-watermark-lag", "pipeline-dead-letters");
        AlertRule wait = AlertRule.find(rules, "oldest-wait-over-twice-sla");
        assertThat(wait.lookBackSeconds()).isEqualTo(600);
        assertThat(wait.pendingPeriod()).isEqualTo(Duration.ofMinutes(2));
        assertThat(wait.seriesTag()).isEqualTo("channel");
        assertThat(wait.thresholdText()).isEqualTo("> 2");
        assertThat(wait.holds(2.0)).isFalse();
        assertThat(wait.holds(2.01)).isTrue();
        assertThat(wait.runbook("docs/runbooks")).isEqualTo("docs/runbooks/oldest-wait-over-twice-sla.md");
        assertThat(AlertRule.find(rules, "channel-silent").noDataState()).isEqualTo("Alerting");
        assertThat(AlertRule.find(rules, "pipeline-dead-letters").seriesTag()).isEqualTo("source");
        assertThat(AlertRule.find(rules, "channel-silent").seriesTag()).isEqualTo("channel");
    }

    @Test
    void teamLabelAndRoutingFollowTheChannel() throws Exception {
        AlertRule wait = AlertRule.find(AlertRule.load(ALERTING.resolve("rules.yaml")), "oldest-wait-over-twice-sla");
        Routing routing = Routing.of(AlertRule.YAML.readTree(ALERTING.resolve("policies.yaml").toFile()));
        Map<String, String> expected = Map.of("phone", "live-support", "chat", "live-support", "sms", "live-support",
                "email", "async-support", "web", "async-support", "app", "async-support", "social", "social-care",
                "store", "store-ops", "other", "operations");
        expected.forEach((channel, team) -> {
            Map<String, String> labels = wait.labelsFor(channel);
            assertThat(labels).containsEntry("team", team).containsEntry("severity", "critical")
                    .containsEntry("channel", channel);
            assertThat(routing.receiver(labels)).as(channel).isEqualTo(team);
        });
        assertThat(routing.receiver(Map.of("team", "nobody"))).isEqualTo("operations");
    }

    @Test
    void templatesBeyondWhatRulesUseAreRefused() {
        assertThat(LabelTemplate.parse("{{ if eq $labels.channel \"chat\" }}a{{ else }}b{{ end }}-{{ $labels.channel }}")
                .render(Map.of("channel", "chat"))).isEqualTo("a-chat");
        assertThat(LabelTemplate.parse("{{- $c := index $labels \"x\" -}}  {{ if not (ne $c \"1\") }}one{{ end }}")
                .render(Map.of("x", "1"))).isEqualTo("one");
        assertThatThrownBy(() -> LabelTemplate.parse("{{ printf \"%s\" $labels.channel }}"))
                .hasMessageContaining("unknown function printf");
    }

    @Test
    void seriesValuesExpandAsPromtoolDoes() {
        assertThat(SeriesValues.expand("0+60x3")).containsExactly(0.0, 60.0, 120.0, 180.0);
        assertThat(SeriesValues.expand("10-2.5x2 _ 7x1 _x2 -1")).containsExactly(10.0, 7.5, 5.0, null, 7.0, 7.0,
                null, null, -1.0);
        assertThatThrownBy(() -> SeriesValues.expand("1 two")).hasMessageContaining("'two'");
    }

    @Test
    void reducersAsGrafanaHasThem() {
        List<Double> values = Arrays.asList(4.0, null, 1.0, Double.NaN, 7.0);
        assertThat(Reducer.reduce("last", "dropNN", values)).isEqualTo(7.0);
        assertThat(Reducer.reduce("mean", "dropNN", values)).isEqualTo(4.0);
        assertThat(Reducer.reduce("sum", "dropNN", values)).isEqualTo(12.0);
        assertThat(Reducer.reduce("count", "dropNN", values)).isEqualTo(3.0);
        assertThat(Reducer.reduce("last", "strict", values)).isNaN();
        assertThat(Reducer.reduce("last", "dropNN", Arrays.asList(null, null))).isNaN();
    }

    @Test
    void grafanaDurations() {
        assertThat(AlertRule.duration("0s")).isZero();
        assertThat(AlertRule.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> AlertRule.duration("5 min")).hasMessageContaining("not a duration");
    }
}
