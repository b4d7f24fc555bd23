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

    private static LocalKafka kafka;
    private static LocalInflux influx;
    private static long dataEnd;
    private static long wallEnd;

    @BeforeAll
    static void runScenarios() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        Instant simulatedEnd = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        dataEnd = simulatedEnd.toEpochMilli();
        for (String scenario : List.of("steady", "chat-agents-offline")) {
            String prefix = scenario.replace('-', '_');
            kafka.createTopics(3, prefix + ".interactions", prefix + ".surveys", prefix + ".dead-letter",
                    prefix + ".churn-risk");
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), prefix + ".interactions",
                    prefix + ".surveys", new Properties())) {
                new Simulator(Scenario.named(scenario).daytimeAllDay(), simulatedEnd.minus(Duration.ofHours(3)),
                        Duration.ofHours(3), 12).forEachRemaining(publisher::publish);
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
        }
        // Grafana's "now": the end of the simulated data for event-time measurements; for pipeline, which is
        // written in processing time, the wall clock.
        wallEnd = System.currentTimeMillis() + 60_000;
    }

    private static long endFor(Provisioning.Query q) {
        return "pipeline".equals(q.measurement()) ? wallEnd : dataEnd;
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
                    String sent = q.substituted(endFor(q), q.lookBackSeconds(), channel);
                    assertThat(rows.query(sent)).as(q.where() + " for " + channel + ": " + sent).isNotEmpty();
                }
            }
        }
    }

    @Test
    void alertConditionsPerSeries() throws Exception {
        Map<String, Map<String, Boolean>> steady = evaluate("steady");
        Map<String, Map<String, Boolean>> offline = evaluate("chat_agents_offline");
        // the scenario built for it: nobody answers chat in the second half
        assertThat(offline.get("oldest-wait-over-twice-sla")).containsEntry("chat", true);
        assertThat(offline.get("oldest-wait-over-twice-sla").entrySet()).filteredOn(Map.Entry::getValue)
                .extracting(Map.Entry::getKey).containsExactly("chat");
        // steady traffic trips none of the backlog, attainment, silence or dead-letter rules on any channel
        for (String rule : List.of("oldest-wait-over-twice-sla", "sla-attainment-low", "channel-silent",
                "pipeline-dead-letters")) {
            assertThat(steady.get(rule)).as(rule).isNotEmpty().doesNotContainValue(true);
        }
        // a replay of past data is far behind the wall clock, which the lag rule reports
        assertThat(offline.get("pipeline-watermark-lag")).containsKey("chat_agents_offline.surveys");
    }

    /** rule uid -> series (channel or source) -> whether the rule's condition holds at "now". */
    private static Map<String, Map<String, Boolean>> evaluate(String database) throws Exception {
        Map<String, Map<String, Boolean>> result = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(influx.url(), database)) {
            for (JsonNode rule : Provisioning.rules()) {
                JsonNode a = rule.path("data").get(0);
                JsonNode threshold = rule.path("data").get(2).path("model").path("conditions").get(0).path("evaluator");
                Provisioning.Query q = new Provisioning.Query(rule.path("uid").asText(),
                        a.path("model").path("query").asText(), a.path("relativeTimeRange").path("from").asLong());
                Map<String, Double> last = new TreeMap<>();
                for (Map<String, Object> row : rows.query(q.substituted(endFor(q), q.lookBackSeconds(), ""))) {
                    String series = String.valueOf(row.getOrDefault("channel", row.get("source")));
                    for (Map.Entry<String, Object> e : row.entrySet()) {
                        if (!List.of("time", "channel", "source").contains(e.getKey()) && e.getValue() instanceof Number n) {
                            last.put(series, n.doubleValue()); // rows come in time order: the last one wins
                        }
                    }
                }
                double bound = threshold.path("params").get(0).asDouble();
                boolean below = threshold.path("type").asText().equals("lt");
                Map<String, Boolean> firing = new TreeMap<>();
                last.forEach((series, value) -> firing.put(series, below ? value < bound : value > bound));
                result.put(rule.path("uid").asText(), firing);
            }
        }
        return result;
    }
}
