package io.touchpoint.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoint.cli.RunCommand;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check of the walking skeleton: a JSON Lines export is replayed with {@code replay}, processed with
 * {@code run --bounded}, and every {@code nps}, {@code csat}, {@code ces}, their {@code *_touchpoint} splits and
 * {@code interactions} point in InfluxDB equals, to the last digit, what this test computes straight from the file
 * with the definitions of SPEC §4 — by brute force, sharing no code with the job. Invalid lines are dead letters.
 */
class ReplayAndRunITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long MINUTE = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void replayedExportEqualsAnIndependentComputation() throws Exception {
        Path file = dir.resolve("export.jsonl");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        try (JsonLines.Out out = new JsonLines.Out(file)) {
            new Simulator(Scenario.named("email-outage").daytimeAllDay(), end.minus(Duration.ofHours(2)),
                    Duration.ofHours(2), 3).forEachRemaining(out);
        }
        // values the job must reject: an NPS of 42, an empty event id, a day in the future, a duplicate response
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        int firstSurvey = 0;
        while (!lines.get(firstSurvey).contains("\"kind\":\"survey\"")) {
            firstSurvey++;
        }
        lines.add(firstSurvey + 1, lines.get(firstSurvey));
        lines.add("{\"kind\":\"survey\",\"response_id\":\"bad-1\",\"occurred_at\":\"" + end.minusSeconds(600)
                + "\",\"channel\":\"chat\",\"customer_id\":\"c\",\"survey\":\"nps\",\"score\":42}");
        lines.add("{\"kind\":\"interaction\",\"event_id\":\"\",\"occurred_at\":\"" + end.minusSeconds(600)
                + "\",\"channel\":\"chat\",\"customer_id\":\"c\",\"conversation_id\":\"v\",\"type\":\"customer_message\"}");
        lines.add("{\"kind\":\"interaction\",\"event_id\":\"f-1\",\"occurred_at\":\"" + Instant.now().plus(Duration.ofDays(1))
                + "\",\"channel\":\"chat\",\"customer_id\":\"c\",\"conversation_id\":\"v\",\"type\":\"customer_message\"}");
        Files.write(file, lines);

        Expected expected = compute(lines);

        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        try {
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int replayed = ReplayCommand.run(new String[] {"--input", file.toString(), "--kafka", kafka.bootstrapServers()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(replayed).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("published " + expected.interactionLines
                    + " interactions, " + expected.surveyLines + " surveys to " + kafka.bootstrapServers());

            int ran = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.bootstrapServers(), "--influx",
                    influx.url(), "--db", "replay"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(ran).as(err.toString(StandardCharsets.UTF_8)).isZero();

            try (InfluxRows rows = new InfluxRows(influx.url(), "replay")) {
                for (String measurement : List.of("nps", "nps_touchpoint", "csat", "csat_touchpoint", "ces",
                        "ces_touchpoint", "interactions")) {
                    Map<String, String> actual = new TreeMap<>();
                    for (Map<String, Object> row : rows.query("SELECT * FROM " + measurement)) {
                        actual.put(key(measurement, row), fields(row));
                    }
                    Map<String, String> wanted = expected.points.getOrDefault(measurement, Map.of());
                    assertThat(actual).as(measurement).hasSize(wanted.size()).isEqualTo(wanted);
                }
                Map<String, Object> health = rows.one("SELECT sum(dead_letter) AS dl, sum(duplicates) AS dup, "
                        + "sum(records_in) AS r FROM pipeline");
                assertThat(((Number) health.get("dl")).longValue()).isEqualTo(3);
                assertThat(((Number) health.get("dup")).longValue()).isEqualTo(1);
                assertThat(((Number) health.get("r")).longValue()).isEqualTo(lines.size());
            }
        } finally {
            influx.stop();
            kafka.stop();
        }
    }

    // ---- the independent computation, from the file and SPEC §4 only ----------------------------------------

    private record Expected(Map<String, Map<String, String>> points, long interactionLines, long surveyLines) {}

    private static Expected compute(List<String> lines) throws Exception {
        long now = System.currentTimeMillis();
        // measurement -> series tags -> minute start -> scores (or counts)
        Map<String, Map<String, Map<Long, List<Integer>>>> scores = new TreeMap<>();
        Map<String, Map<Long, long[]>> volume = new TreeMap<>();
        Set<String> responseIds = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        long interactions = 0;
        long surveys = 0;
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            long at = Instant.parse(n.get("occurred_at").asText()).toEpochMilli();
            String channel = n.get("channel").asText().toLowerCase(Locale.ROOT);
            long minute = Math.floorDiv(at, MINUTE) * MINUTE;
            if (n.get("kind").asText().equals("survey")) {
                surveys++;
                String survey = n.get("survey").asText().toUpperCase(Locale.ROOT);
                int score = n.get("score").asInt();
                boolean valid = at <= now + 300_000 && !n.get("response_id").asText().isEmpty()
                        && score >= (survey.equals("NPS") ? 0 : 1)
                        && score <= switch (survey) { case "NPS" -> 10; case "CSAT" -> 5; default -> 7; };
                if (!valid || !responseIds.add(n.get("response_id").asText())) {
                    continue;
                }
                String touchpoint = n.hasNonNull("touchpoint") ? n.get("touchpoint").asText().toLowerCase(Locale.ROOT)
                        : "unknown";
                String measurement = survey.toLowerCase(Locale.ROOT);
                add(scores, measurement, "channel=" + channel, minute, score);
                add(scores, measurement + "_touchpoint", "channel=" + channel + ",touchpoint=" + touchpoint, minute,
                        score);
            } else {
                interactions++;
                String id = n.get("event_id").asText();
                if (id.isEmpty() || at > now + 300_000 || !eventIds.add(n.get("conversation_id").asText() + "/" + id)) {
                    continue;
                }
                long[] c = volume.computeIfAbsent(channel, k -> new TreeMap<>()).computeIfAbsent(minute, k -> new long[8]);
                c[0]++;
                int field = switch (n.get("type").asText().toUpperCase(Locale.ROOT)) {
                    case "CONVERSATION_OPENED" -> 1;
                    case "CUSTOMER_MESSAGE" -> 2;
                    case "AGENT_MESSAGE" -> 3;
                    case "BOT_MESSAGE" -> 4;
                    case "CONVERSATION_RESOLVED" -> 5;
                    case "CONVERSATION_REOPENED" -> 6;
                    case "CANCELLATION_REQUESTED" -> 7;
                    default -> -1;
                };
                if (field > 0) {
                    c[field]++;
                }
            }
        }
        Map<String, Map<String, String>> points = new TreeMap<>();
        for (var m : scores.entrySet()) {
            for (var series : m.getValue().entrySet()) {
                TreeMap<Long, List<Integer>> minutes = new TreeMap<>(series.getValue());
                for (var e : minutes.entrySet()) {
                    points.computeIfAbsent(m.getKey(), k -> new TreeMap<>()).put(
                            series.getKey() + ",window=1m@" + (e.getKey() + MINUTE), surveyFields(m.getKey(), e.getValue()));
                }
                // rolling hour: every minute end E whose hour [E - 60 min, E) holds a response
                long first = minutes.firstKey() + MINUTE;
                long last = minutes.lastKey() + 60 * MINUTE;
                for (long e = first; e <= last; e += MINUTE) {
                    List<Integer> hour = new ArrayList<>();
                    for (var pane : minutes.subMap(e - 60 * MINUTE, e).values()) {
                        hour.addAll(pane);
                    }
                    if (!hour.isEmpty()) {
                        points.computeIfAbsent(m.getKey(), k -> new TreeMap<>()).put(
                                series.getKey() + ",window=1h@" + e, surveyFields(m.getKey(), hour));
                    }
                }
            }
        }
        for (var ch : volume.entrySet()) {
            for (var e : ch.getValue().entrySet()) {
                long[] c = e.getValue();
                points.computeIfAbsent("interactions", k -> new TreeMap<>()).put("channel=" + ch.getKey() + "@"
                        + (e.getKey() + MINUTE), "agent_messages=" + c[3] + " bot_messages=" + c[4] + " cancellations="
                        + c[7] + " conversations_opened=" + c[1] + " customer_messages=" + c[2] + " events=" + c[0]
                        + " reopened=" + c[6] + " resolved=" + c[5]);
            }
        }
        return new Expected(points, interactions, surveys);
    }

    private static void add(Map<String, Map<String, Map<Long, List<Integer>>>> scores, String measurement,
            String series, long minute, int score) {
        scores.computeIfAbsent(measurement, k -> new TreeMap<>()).computeIfAbsent(series, k -> new TreeMap<>())
                .computeIfAbsent(minute, k -> new ArrayList<>()).add(score);
    }

    /** SPEC §4.1 and §4.2, written out directly. */
    private static String surveyFields(String measurement, List<Integer> answers) {
        long n = answers.size();
        switch (measurement) {
            case "nps", "nps_touchpoint" -> {
                long p = answers.stream().filter(s -> s >= 9).count();
                long pa = answers.stream().filter(s -> s == 7 || s == 8).count();
                long d = answers.stream().filter(s -> s <= 6).count();
                double n2 = n + 3.0;
                double pp = (p + 0.75) / n2;
                double dd = (d + 0.75) / n2;
                double hw = 1.96 * Math.sqrt((pp + dd - (pp - dd) * (pp - dd)) / n2);
                return "detractors=" + d + " nps=" + (100.0 * (p - d) / n) + " nps_ci95_high="
                        + Math.min(100.0, 100.0 * ((pp - dd) + hw)) + " nps_ci95_low="
                        + Math.max(-100.0, 100.0 * ((pp - dd) - hw)) + " passives=" + pa + " promoters=" + p
                        + " responses=" + n;
            }
            case "csat", "csat_touchpoint" -> {
                long satisfied = answers.stream().filter(s -> s >= 4).count();
                return "csat=" + (100.0 * satisfied / n) + " responses=" + n + " satisfied=" + satisfied;
            }
            default -> {
                long sum = answers.stream().mapToLong(Integer::longValue).sum();
                return "ces_mean=" + ((double) sum / n) + " responses=" + n;
            }
        }
    }

    // ---- what InfluxDB holds, in the same shape -------------------------------------------------------------

    private static String key(String measurement, Map<String, Object> row) {
        StringBuilder k = new StringBuilder("channel=" + row.get("channel"));
        if (measurement.endsWith("_touchpoint")) {
            k.append(",touchpoint=").append(row.get("touchpoint"));
        }
        if (!measurement.equals("interactions")) {
            k.append(",window=").append(row.get("window"));
        }
        return k.append('@').append(row.get("time")).toString();
    }

    private static String fields(Map<String, Object> row) {
        StringBuilder f = new StringBuilder();
        new TreeMap<>(row).forEach((name, value) -> {
            if (Set.of("time", "channel", "touchpoint", "window").contains(name) || value == null) {
                return;
            }
            double v = ((Number) value).doubleValue();
            boolean count = !name.equals("nps") && !name.startsWith("nps_ci") && !name.equals("csat")
                    && !name.equals("ces_mean");
            f.append(f.isEmpty() ? "" : " ").append(name).append('=').append(count ? Long.toString((long) v) : Double.toString(v));
        });
        return f.toString();
    }
}
