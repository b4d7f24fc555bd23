package io.touchpoint.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One provisioned Grafana alert rule in the shape ours have: query A (InfluxQL over a relative time range), B a
 * reduce of A, C a threshold on B; the pending period {@code for}, the no-data and error states, the labels
 * (templates) and the runbook link.
 *
 * @param seriesTag the tag the query groups by ({@code channel} or {@code source}): an alert per value
 */
public record AlertRule(
        String uid,
        String title,
        String query,
        long lookBackSeconds,
        String reducer,
        String reduceMode,
        String thresholdType,
        double threshold,
        Duration pendingPeriod,
        String noDataState,
        String execErrState,
        Map<String, LabelTemplate> labels,
        String runbookUrl,
        String seriesTag) {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern GROUP_BY = Pattern.compile("GROUP BY (?:time\\([^)]*\\), *)?\"(\\w+)\"");

    /** Every rule of a provisioning file ({@code groups[].rules[]}), in file order. */
    public static List<AlertRule> load(Path rulesYaml) throws IOException {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : YAML.readTree(rulesYaml.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(of(rule));
            }
        }
        return rules;
    }

    /** The rule with this uid among {@code rules}. */
    public static AlertRule find(List<AlertRule> rules, String uid) {
        return rules.stream().filter(r -> r.uid().equals(uid)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no alert rule '" + uid + "' (there are "
                        + String.join(", ", rules.stream().map(AlertRule::uid).toList()) + ")"));
    }

    static AlertRule of(JsonNode rule) {
        String uid = rule.path("uid").asText();
        JsonNode query = null;
        JsonNode reduce = null;
        JsonNode threshold = null;
        for (JsonNode data : rule.path("data")) {
            JsonNode model = data.path("model");
            switch (model.path("type").asText("")) {
                case "" -> query = data;
                case "reduce" -> reduce = model;
                case "threshold" -> threshold = model;
                default -> throw new IllegalArgumentException(uid + ": expression type " + model.path("type").asText()
                        + " is not supported");
            }
        }
        if (query == null || reduce == null || threshold == null
                || !rule.path("condition").asText().equals(threshold.path("refId").asText())) {
            throw new IllegalArgumentException(uid + ": expected a query, a reduce and the threshold as condition");
        }
        String text = query.path("model").path("query").asText();
        Matcher groupBy = GROUP_BY.matcher(text);
        if (!groupBy.find()) {
            throw new IllegalArgumentException(uid + ": the query groups by no tag: " + text);
        }
        JsonNode evaluator = threshold.path("conditions").path(0).path("evaluator");
        String type = evaluator.path("type").asText();
        if (!type.equals("gt") && !type.equals("lt")) {
            throw new IllegalArgumentException(uid + ": threshold type " + type + " is not supported (gt, lt)");
        }
        Map<String, LabelTemplate> labels = new LinkedHashMap<>();
        rule.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), LabelTemplate.parse(e.getValue().asText())));
        return new AlertRule(uid, rule.path("title").asText(), text,
                query.path("relativeTimeRange").path("from").asLong(),
                reduce.path("reducer").asText("last"), reduce.path("settings").path("mode").asText("strict"),
                type, evaluator.path("params").path(0).asDouble(),
                duration(rule.path("for").asText("0s")),
                rule.path("noDataState").asText("NoData"), rule.path("execErrState").asText("Error"),
                labels, rule.path("annotations").path("runbook_url").asText(""), groupBy.group(1));
    }

    /** Grafana's durations as rules use them: {@code 0s}, {@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m}. */
    public static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)([hms])").matcher(text.strip().toLowerCase(Locale.ROOT));
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.strip().length()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 0s, 5m, 1h30m)");
        }
        return total;
    }

    /** The pending period in whole evaluations of one minute. */
    public int pendingMinutes() {
        return (int) pendingPeriod.toMinutes();
    }

    /** Whether the threshold condition (C) holds for a reduced value. */
    public boolean holds(double value) {
        return thresholdType.equals("lt") ? value < threshold : value > threshold;
    }

    /** {@code > 2} or {@code < 20}. */
    public String thresholdText() {
        return (thresholdType.equals("lt") ? "< " : "> ") + number(threshold);
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The alert's labels for one series: the series tag, then the rule's labels rendered for it. */
    public Map<String, String> labelsFor(String series) {
        Map<String, String> result = new LinkedHashMap<>();
        if (!series.isEmpty()) {
            result.put(seriesTag, series);
        }
        Map<String, String> base = Map.copyOf(result);
        labels.forEach((k, t) -> result.put(k, t.render(base)));
        return result;
    }

    /** The runbook link with {@code ${RUNBOOK_BASE_URL}} replaced by {@code base}. */
    public String runbook(String base) {
        return runbookUrl.replace("${RUNBOOK_BASE_URL}", base);
    }
}
