package io.touchpoint.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoint.alerts.AlertEvaluator;
import io.touchpoint.alerts.AlertRule;
import io.touchpoint.alerts.Evaluation;
import io.touchpoint.cli.RunCommand;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the dashboards and alert rules, with Grafana's macros substituted, run against a real influxd
 * filled by the job from simulated scenarios; and every rule's reduce and threshold evaluated per series.
 */
class GrafanaQueriesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    static Path dir;

    /** One simulated run: a scenario over a span written to its own topics and database, optionally long past. */
    private record Run(String scenario, Duration span, Duration behind) {
        String database() {
            return scenario.replace('-', '_') + (behind.isZero() ? "" : "_behind");
        }
    }

    private static final Duration HOURS_3 = Duration.ofHours(3);
    private static final List<Run> RUNS = List.of(
            new Run("steady", HOURS_3, Duration.ZERO),
            new Run("chat-agents-offline", HOURS_3, Duration.ZERO),
            new Run("chat-surge", HOURS_3, Duration.ZERO),
            // e-mail replies take hours: eight hours of the outage before slow replies dominate
            new Run("email-outage", Duration.ofHours(16), Duration.ZERO),
            new Run("nps-drop", HOURS_3, Duration.ZERO),
            new Run("cancellations-wave", HOURS_3, Duration.ZERO),
            new Run("sms-gateway-down", HOURS_3, Duration.ZERO),
            new Run("broken-survey-form", HOURS_3, Duration.ZERO),
            // steady traffic that the job reads an hour late: a consumer that fell behind
            new Run("steady", HOURS_3, Duration.ofHours(1)));

    private static LocalKafka kafka;
    /** The alert rules by uid, read once, as the product's evaluator reads them. */
    private static final Map<String, AlertRule> RULES = new TreeMap<>();
    private static LocalInflux influx;
    /** Grafana's "now" per database for event-time measurements: the end of the scenario's incident. */
    private static final Map<String, Long> eventNow = new TreeMap<>();
    /** Grafana's "now" per database for pipeline, which is written in processing time: just after the run. */
    private static final Map<String, Long> wallNow = new TreeMap<>();

    @BeforeAll
    static void runScenarios() throws Exception {
        for (AlertRule rule : AlertRule.load(Provisioning.root().resolve("grafana/provisioning/alerting/rules.yaml"))) {
            RULES.put(rule.uid(), rule);
        }
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        Instant lastMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        for (Run run : RUNS) {
            String prefix = run.database();
            Scenario scenario = Scenario.named(run.scenario()).daytimeAllDay();
            Instant start = lastMinute.minus(run.behind()).minus(run.span());
            kafka.createTopics(3, prefix + ".interactions", prefix + ".surveys", prefix + ".dead-letter",
                    prefix + ".churn-risk");
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), prefix + ".interactions",
                    prefix + ".surveys", new Properties())) {
                new Simulator(scenario, start, run.span(), 12).forEachRemaining(publisher::publish);
                publisher.flush();
            }
            Path config = dir.resolve(prefix + ".properties");
            java.nio.file.Files.writeString(config, String.join("\n",
                    "topic.interactions = " + prefix + ".interactions",
                    "topic.surveys = " + prefix + ".surveys",
                    "topic.dead-letter = " + prefix + ".dead-letter",
                    "topic.churn-risk = " + prefix + ".churn-risk",
                    "kafka.group-id = " + prefix));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.bootstrapServers(), "--influx",
                    influx.url(), "--db", prefix, "--config", config.toString()},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            double incidentEnd = scenario.incidentChannel() == null ? 1 : scenario.incidentTo();
            eventNow.put(prefix, start.toEpochMilli() + (long) (incidentEnd * run.span().toMillis()));
            wallNow.put(prefix, System.currentTimeMillis() + 60_000);
        }
    }

    private static long nowFor(String database, Provisioning.Query q) {
        return ("pipeline".equals(q.measurement()) ? wallNow : eventNow).get(database);
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void everyPanelVariableAndAlertQueryRunsAndReturnsRows() throws Exception {
        try (InfluxRows rows = new InfluxRows(influx.url(), "steady")) {
            for (Provisioning.Query q : Provisioning.queries()) {
                for (String channel : List.of("chat", "email", "phone")) {
                    String sent = q.substituted(nowFor("steady", q), q.lookBackSeconds(), channel);
                    assertThat(rows.query(sent)).as(q.where() + " for " + channel + ": " + sent).isNotEmpty();
                }
            }
        }
    }

    @Test
    void steadyTrafficTripsNoRuleOnAnySeries() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Map<String, Double>> rule : values("steady", 0).entrySet()) {
            softly.assertThat(firing(rule.getKey(), rule.getValue())).as(rule.getKey() + " " + rule.getValue()).isEmpty();
            softly.assertThat(rule.getValue()).as(rule.getKey() + " is evaluated on some series").isNotEmpty();
        }
        // nor at any time in the last two hours: evaluated every minute as Grafana does, no condition holds on a
        // series for longer than its rule's pending period, so none would have fired (a brief blip stays pending)
        Map<String, Integer> streaks = new TreeMap<>();
        for (int minutesAgo = 120; minutesAgo >= 0; minutesAgo--) {
            for (Map.Entry<String, Map<String, Double>> rule : values("steady", minutesAgo).entrySet()) {
                if (isPipeline(rule.getKey())) {
                    continue;
                }
                List<String> now = firing(rule.getKey(), rule.getValue());
                for (String series : rule.getValue().keySet()) {
                    String key = rule.getKey() + " on " + series;
                    int streak = now.contains(series) ? streaks.getOrDefault(key, 0) + 1 : 0;
                    streaks.put(key, streak);
                    softly.assertThat(streak).as(key + " held " + streak + " evaluations up to " + minutesAgo
                            + " min ago: " + rule.getValue()).isLessThanOrEqualTo(pendingMinutes(rule.getKey()));
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void eachRuleFiresOnTheChannelOfTheScenarioBuiltForIt() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        assertFires(softly, "nps-significantly-low", "nps-drop", "phone");
        assertFires(softly, "frt-p90-over-sla", "email-outage", "email");
        assertFires(softly, "frt-p90-over-sla", "chat-surge", "chat");
        assertFires(softly, "sla-attainment-low", "email-outage", "email");
        assertFires(softly, "oldest-wait-over-twice-sla", "chat-agents-offline", "chat");
        assertFires(softly, "churn-risk-spike", "cancellations-wave", "phone");
        assertFires(softly, "channel-silent", "sms-gateway-down", "sms");
        assertFires(softly, "pipeline-dead-letters", "broken-survey-form", "broken_survey_form.surveys");
        assertFires(softly, "pipeline-watermark-lag", "steady_behind", "steady_behind.interactions",
                "steady_behind.surveys");
        softly.assertAll();
    }

    @Test
    void theStatusTableShowsPerChannelTheValueEachRuleEvaluates() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        int compared = 0;
        for (Run run : RUNS) {
            String db = run.database();
            Map<String, Map<String, Double>> ruleValues = values(db, 0);
            try (InfluxRows rows = new InfluxRows(influx.url(), db)) {
                for (Map.Entry<String, String> mirror : Provisioning.MIRRORS.entrySet()) {
                    if (!mirror.getKey().startsWith(Provisioning.STATUS_TABLE + "/")) {
                        continue;
                    }
                    String column = mirror.getKey().substring(Provisioning.STATUS_TABLE.length() + 1);
                    Provisioning.Query q = Provisioning.columnQuery(Provisioning.STATUS_TABLE, column);
                    Map<String, Double> shown = new TreeMap<>();
                    for (Map<String, Object> row : rows.query(q.substituted(nowFor(db, q), q.lookBackSeconds(), ""))) {
                        if (row.get(column) instanceof Number n) {
                            shown.put(String.valueOf(row.get("channel")), n.doubleValue());
                        }
                    }
                    Map<String, Double> evaluated = ruleValues.get(mirror.getValue());
                    softly.assertThat(shown.keySet()).as(db + " " + column).isEqualTo(evaluated.keySet());
                    for (Map.Entry<String, Double> e : evaluated.entrySet()) {
                        softly.assertThat(shown.get(e.getKey())).as(db + " " + column + " on " + e.getKey())
                                .isCloseTo(e.getValue(), within(1e-9));
                    }
                    compared += evaluated.size();
                }
            }
        }
        softly.assertThat(compared).as("channel values compared").isGreaterThan(100);
        softly.assertAll();
    }

    /**
     * The rule fires at "now" on exactly these series: for rules on event-time measurements, the series whose
     * condition held at every one-minute evaluation of the pending period ({@code for}) up to "now", as Grafana needs
     * to move an alert from pending to firing. Pipeline rules are checked at "now" only: a replay compresses their
     * processing-time minutes into one.
     */
    private static void assertFires(SoftAssertions softly, String rule, String database, String... series)
            throws Exception {
        String db = database.replace('-', '_');
        Map<String, Double> values = values(db, 0).get(rule);
        List<String> firing = new ArrayList<>(firing(rule, values));
        StringBuilder seen = new StringBuilder(rule + " on " + database + ": now " + values);
        if (!isPipeline(rule)) {
            for (int minutesAgo = 1; minutesAgo <= pendingMinutes(rule); minutesAgo++) {
                Map<String, Double> earlier = values(db, minutesAgo).get(rule);
                firing.retainAll(firing(rule, earlier));
                seen.append("; ").append(minutesAgo).append(" min before ").append(earlier);
            }
        }
        softly.assertThat(firing).as(seen.toString()).containsExactlyInAnyOrder(series);
    }

    private static boolean isPipeline(String uid) {
        return uid.startsWith("pipeline-");
    }

    /** The rule's {@code for}, in whole minutes ({@code 0s}, {@code 2m}, {@code 15m}, {@code 1h}). */
    private static int pendingMinutes(String uid) {
        return RULES.get(uid).pendingMinutes();
    }

    /** The series whose value crosses the rule's threshold. */
    private static List<String> firing(String uid, Map<String, Double> values) {
        AlertRule rule = RULES.get(uid);
        return values.entrySet().stream().filter(e -> rule.holds(e.getValue())).map(Map.Entry::getKey).toList();
    }

    /**
     * rule uid -> series (channel or source) -> the value the rule's reducer sees at an evaluation
     * {@code minutesAgo} before "now", as {@code bin/touchpoint alerts} evaluates it.
     */
    private static Map<String, Map<String, Double>> values(String database, int minutesAgo) throws Exception {
        Map<String, Map<String, Double>> result = new TreeMap<>();
        try (AlertEvaluator evaluator = new AlertEvaluator(influx.url(), database, null, null)) {
            for (AlertRule rule : RULES.values()) {
                Provisioning.Query q = new Provisioning.Query(rule.uid(), rule.query(), rule.lookBackSeconds());
                Evaluation evaluation = evaluator.evaluate(rule, nowFor(database, q) - minutesAgo * 60_000L);
                assertThat(evaluation.error()).as(rule.uid() + " on " + database).isNull();
                result.put(rule.uid(), new TreeMap<>(evaluation.values()));
            }
        }
        return result;
    }
}
