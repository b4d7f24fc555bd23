package io.touchpoint.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.alerts.AlertState.State;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;

/**
 * Rule unit tests in the manner of {@code promtool test rules}: a small YAML file per rule with input series and
 * the alerts expected at chosen evaluation times. The series are written into a fresh InfluxDB database (dropped
 * afterwards) and the rule is evaluated there exactly as {@code bin/touchpoint alerts} evaluates it. The format:
 *
 * <pre>
 * rule: oldest-wait-over-twice-sla     # uid in rules.yaml
 * start: 2026-03-02T10:00:00Z          # time of the first value (default 2026-03-02T10:00:00Z)
 * interval: 1m                         # one value per interval (default 1m)
 * input_series:
 *   - series: backlog,channel=chat     # measurement and tags, as in line protocol
 *     fields:
 *       oldest_wait_s: '0+60x10'       # promtool notation (SeriesValues), always quoted:
 *       sla_target_s: '120x10'         # YAML would read 0x10 as the number 16
 * tests:
 *   - eval_time: 6m                    # after start
 *     exp_alerts:                      # every pending or firing alert, nothing else
 *       - exp_labels: {channel: chat, severity: critical, team: live-support}
 *         state: pending               # pending or firing (default firing)
 *         since: 5m                    # optional: pending since / firing since, after start
 *         exp_value: 2.5               # optional: the reduced value
 *     exp_no_data: false               # optional: whether the query returns nothing at all
 * </pre>
 */
public final class RuleTests {

    static final Instant DEFAULT_START = Instant.parse("2026-03-02T10:00:00Z");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** What one file's tests found: how many evaluations were checked and what did not match. */
    public record Outcome(Path file, String rule, int evaluations, List<String> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    private RuleTests() {}

    /** Runs one test file against the InfluxDB at {@code influxUrl} (no authentication). */
    public static Outcome run(Path file, List<AlertRule> rules, String influxUrl) throws IOException {
        JsonNode test = AlertRule.YAML.readTree(file.toFile());
        AlertRule rule = AlertRule.find(rules, text(test, "rule", file));
        Instant start = test.hasNonNull("start") ? Instant.parse(test.path("start").asText()) : DEFAULT_START;
        Duration interval = AlertRule.duration(test.path("interval").asText("1m"));
        String database = "ruletest_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        List<String> failures = new ArrayList<>();
        int evaluations = 0;
        try (InfluxDB influx = InfluxDBFactory.connect(influxUrl);
                AlertEvaluator evaluator = new AlertEvaluator(influxUrl, database, null, null)) {
            influx.query(new Query("CREATE DATABASE \"" + database + "\""));
            try {
                List<String> lines = lines(test.path("input_series"), start, interval, file);
                if (!lines.isEmpty()) {
                    influx.write(database, "autogen", InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, lines);
                }
                for (JsonNode check : test.path("tests")) {
                    String evalTime = text(check, "eval_time", file);
                    Instant at = start.plus(AlertRule.duration(evalTime));
                    List<AlertState> states = evaluator.states(rule, at);
                    evaluations++;
                    String where = "at " + evalTime + ": ";
                    if (check.has("exp_no_data")) {
                        boolean noData = evaluator.evaluate(rule, at.toEpochMilli()).noData();
                        if (noData != check.path("exp_no_data").asBoolean()) {
                            failures.add(where + "expected " + (noData ? "data" : "no data") + " but the query returned "
                                    + (noData ? "nothing" : "series " + describe(states)));
                        }
                    }
                    failures.addAll(compare(where, check.path("exp_alerts"), states, start));
                }
            } finally {
                influx.query(new Query("DROP DATABASE \"" + database + "\""));
            }
        }
        return new Outcome(file, rule.uid(), evaluations, failures);
    }

    private static String text(JsonNode node, String key, Path file) {
        if (!node.hasNonNull(key)) {
            throw new IllegalArgumentException(file + ": '" + key + "' is missing");
        }
        return node.path(key).asText();
    }

    /** Line protocol for the input series: one line per interval with the fields that have a value then. */
    static List<String> lines(JsonNode inputSeries, Instant start, Duration interval, Path file) {
        List<String> lines = new ArrayList<>();
        for (JsonNode series : inputSeries) {
            String key = text(series, "series", file);
            Map<String, List<Double>> fields = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = series.path("fields").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().isTextual()) {
                    // YAML reads 0x35 as the number 53: values are always quoted strings
                    throw new IllegalArgumentException(file + ": the values of " + key + " " + f.getKey()
                            + " must be a quoted string ('" + f.getValue().asText() + "')");
                }
                fields.put(f.getKey(), SeriesValues.expand(f.getValue().asText()));
            }
            int length = fields.values().stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < length; i++) {
                StringBuilder set = new StringBuilder();
                for (Map.Entry<String, List<Double>> f : fields.entrySet()) {
                    Double v = i < f.getValue().size() ? f.getValue().get(i) : null;
                    if (v != null) {
                        set.append(set.isEmpty() ? "" : ",").append(f.getKey()).append('=').append(v);
                    }
                }
                if (!set.isEmpty()) {
                    lines.add(key + " " + set + " " + start.plus(interval.multipliedBy(i)).toEpochMilli());
                }
            }
        }
        return lines;
    }

    private static List<String> compare(String where, JsonNode expected, List<AlertState> states, Instant start) {
        List<String> failures = new ArrayList<>();
        List<AlertState> active = new ArrayList<>(states.stream().filter(AlertState::active).toList());
        for (JsonNode exp : expected) {
            Map<String, String> labels = new TreeMap<>();
            exp.path("exp_labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            State state = State.of(exp.path("state").asText("firing"));
            AlertState match = active.stream().filter(a -> new TreeMap<>(a.labels()).equals(labels)).findFirst().orElse(null);
            if (match == null) {
                failures.add(where + "expected " + state.grafanaName() + " " + labels + " but the alerts were "
                        + describe(active));
                continue;
            }
            active.remove(match);
            if (match.state() != state) {
                failures.add(where + labels + " is " + describe(List.of(match)) + ", expected " + state.grafanaName());
            }
            if (exp.has("since")) {
                Instant since = start.plus(AlertRule.duration(exp.path("since").asText()));
                if (!since.equals(match.since())) {
                    failures.add(where + labels + " is " + match.state().grafanaName() + " since " + match.since()
                            + ", expected since " + since);
                }
            }
            if (exp.has("exp_value")) {
                double value = exp.path("exp_value").asDouble();
                if (match.value() == null || Math.abs(match.value() - value) > 1e-9 * Math.max(1, Math.abs(value))) {
                    failures.add(where + labels + " has value " + match.value() + ", expected " + value);
                }
            }
        }
        if (!active.isEmpty()) {
            failures.add(where + "unexpected alerts " + describe(active));
        }
        return failures;
    }

    private static String describe(List<AlertState> states) {
        if (states.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (AlertState s : states) {
            Map<String, String> labels = new LinkedHashMap<>(s.labels());
            parts.add(s.state().grafanaName().toLowerCase(Locale.ROOT) + " " + labels
                    + (s.value() == null ? "" : " value " + s.value()) + (s.since() == null ? "" : " since " + s.since()));
        }
        return String.join("; ", parts);
    }
}
