package io.touchpoint.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
            // e-mail replies take hours: six hours of the outage before slow replies dominate
            new Run("email-outage", Duration.ofHours(12), Duration.ZERO),
            new Run("nps-drop", HOURS_3, Duration.ZERO),
            new Run("cancellations-wave", HOURS_3, Duration.ZERO),
            new Run("sms-gateway-down", HOURS_3, Duration.ZERO),
            new Run("broken-survey-form", HOURS_3, Duration.ZERO),
            // steady traffic that the job reads an hour late: a consumer that fell behind
            new Run("steady", HOURS_3, Duration.ofHours(1)));

    private static LocalKafka kafka;
    private static LocalInflux influx;
    /** Grafana's "now" per database for event-time measurements: the end of the scenario's incident. */
    private static final Map<String, Long> eventNow = new TreeMap<>();
    /** Grafana's "now" per database for pipeline, which is written in processing time: just after the run. */
    private static final Map<String, Long> wallNow = new TreeMap<>();

    @BeforeAll
    static void runScenarios() throws Exception {
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
        for (Map.Entry<String, Map<String, Double>> rule : values("steady").entrySet()) {
            softly.assertThat(firing(rule.getKey(), rule.getValue())).as(rule.getKey() + " " + rule.getValue()).isEmpty();
            softly.assertThat(rule.getValue()).as(rule.getKey() + " is evaluated on some series").isNotEmpty();
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

    private static void assertFires(SoftAssertions softly, String rule, String database, String... series)
            throws Exception {
        Map<String, Double> values = values(database.replace('-', '_')).get(rule);
        softly.assertThat(firing(rule, values)).as(rule + " on " + database + ": " + values)
                .containsExactlyInAnyOrder(series);
    }

    private static final Map<String, JsonNode> RULES = new TreeMap<>();

    /** The series whose value crosses the rule's threshold. */
    private static List<String> firing(String uid, Map<String, Double> values) {
        JsonNode threshold = RULES.get(uid).path("data").get(2).path("model").path("conditions").get(0).path("evaluator");
        double bound = threshold.path("params").get(0).asDouble();
        boolean below = threshold.path("type").asText().equals("lt");
        return values.entrySet().stream().filter(e -> below ? e.getValue() < bound : e.getValue() > bound)
                .map(Map.Entry::getKey).toList();
    }

    /** rule uid -> series (channel or source) -> the value the rule's "last" reducer sees at "now". */
    private static Map<String, Map<String, Double>> values(String database) throws Exception {
        Map<String, Map<String, Double>> result = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(influx.url(), database)) {
            for (JsonNode rule : Provisioning.rules()) {
                String uid = rule.path("uid").asText();
                RULES.put(uid, rule);
                JsonNode a = rule.path("data").get(0);
                Provisioning.Query q = new Provisioning.Query(uid, a.path("model").path("query").asText(),
                        a.path("relativeTimeRange").path("from").asLong());
                Map<String, Double> last = new TreeMap<>();
                for (Map<String, Object> row : rows.query(q.substituted(nowFor(database, q), q.lookBackSeconds(), ""))) {
                    String series = String.valueOf(row.getOrDefault("channel", row.get("source")));
                    for (Map.Entry<String, Object> e : row.entrySet()) {
                        if (!List.of("time", "channel", "source").contains(e.getKey()) && e.getValue() instanceof Number n) {
                            last.put(series, n.doubleValue()); // rows come in time order: the last one wins
                        }
                    }
                }
                result.put(uid, last);
            }
        }
        return result;
    }
}
