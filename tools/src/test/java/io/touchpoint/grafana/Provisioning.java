package io.touchpoint.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.touchpoint.alerts.GrafanaMacros;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads everything under {@code grafana/}: every InfluxQL query of the dashboards (panels and template variables)
 * and of the alert rules, with Grafana's macros substituted as Grafana does, plus the catalogue of what the job
 * writes (SPEC §4) to check the queries' names against.
 */
final class Provisioning {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** SPEC §4 (and {@code sla_target_s} on backlog): measurement -> tag and field names the job writes. */
    static final Map<String, Set<String>> CATALOGUE = Map.ofEntries(
            Map.entry("nps", Set.of("channel", "window", "responses", "promoters", "passives", "detractors", "nps",
                    "nps_ci95_low", "nps_ci95_high")),
            Map.entry("nps_touchpoint", Set.of("channel", "window", "touchpoint", "responses", "promoters", "passives",
                    "detractors", "nps", "nps_ci95_low", "nps_ci95_high")),
            Map.entry("csat", Set.of("channel", "window", "responses", "satisfied", "csat")),
            Map.entry("ces", Set.of("channel", "window", "responses", "ces_mean")),
            Map.entry("csat_touchpoint", Set.of("channel", "window", "touchpoint", "responses", "satisfied", "csat")),
            Map.entry("ces_touchpoint", Set.of("channel", "window", "touchpoint", "responses", "ces_mean")),
            Map.entry("first_response", Set.of("channel", "window", "replies", "frt_mean_s", "frt_p50_s", "frt_p90_s",
                    "frt_p95_s", "frt_max_s", "within_sla", "breached", "sla_target_s")),
            Map.entry("backlog", Set.of("channel", "awaiting_first_reply", "oldest_wait_s", "over_sla", "abandoned",
                    "expired", "sla_target_s")),
            Map.entry("interactions", Set.of("channel", "events", "conversations_opened", "customer_messages",
                    "agent_messages", "bot_messages", "resolved", "reopened", "cancellations")),
            Map.entry("churn_risk", Set.of("channel", "new_high_risk", "new_medium_risk", "recovered",
                    "high_risk_customers", "medium_risk_customers")),
            Map.entry("pipeline", Set.of("source", "records_in", "dead_letter", "duplicates", "too_late",
                    "watermark_lag_s", "writer", "points_outside_retention", "window_delay_s")));

    /** One query found in the provisioning, where it was found, and (for alert rules) its look-back window. */
    record Query(String where, String text, long lookBackSeconds) {

        String measurement() {
            Matcher m = Pattern.compile("FROM \"([a-z_]+)\"").matcher(text);
            return m.find() ? m.group(1) : null;
        }

        /** Quoted identifiers that name fields or tags (aliases after AS are not). */
        List<String> identifiers() {
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("(AS )?\"([^\"]+)\"").matcher(text);
            while (m.find()) {
                if (m.group(1) == null && !m.group(2).equals(measurement())) {
                    names.add(m.group(2));
                }
            }
            return names;
        }

        /** The query as Grafana sends it for a time range ending at {@code endMillis} ({@link GrafanaMacros}). */
        String substituted(long endMillis, long rangeSeconds, String channel) {
            return GrafanaMacros.substitute(text, endMillis, rangeSeconds, channel);
        }
    }

    /**
     * Where the boards colour a value by an alert rule's threshold: "dashboard uid/panel id/field" ({@code *} for the
     * panel's defaults) -> rule uid. The rules are the one place a threshold is defined; every coloured threshold
     * on the boards is listed here and must equal its rule's, in the rule's own unit.
     */
    static final Map<String, String> MIRRORS = Map.ofEntries(
            Map.entry("touchpoint-overview/9/NPS 95% high", "nps-significantly-low"),
            Map.entry("touchpoint-overview/9/p90 of SLA", "frt-p90-over-sla"),
            Map.entry("touchpoint-overview/9/SLA met", "sla-attainment-low"),
            Map.entry("touchpoint-overview/9/oldest wait of SLA", "oldest-wait-over-twice-sla"),
            Map.entry("touchpoint-overview/9/new high risk 15 min", "churn-risk-spike"),
            Map.entry("touchpoint-overview/9/interactions 15 min", "channel-silent"),
            Map.entry("touchpoint-overview/1/*", "nps-significantly-low"),
            Map.entry("touchpoint-overview/3/*", "sla-attainment-low"),
            Map.entry("touchpoint-overview/5/*", "oldest-wait-over-twice-sla"),
            Map.entry("touchpoint-overview/6/*", "churn-risk-spike"),
            Map.entry("touchpoint-channel/7/95% high", "nps-significantly-low"),
            Map.entry("touchpoint-pipeline/4/*", "pipeline-watermark-lag"));

    /** The overview's per-channel status table. */
    static final String STATUS_TABLE = "touchpoint-overview/9";

    /** Every threshold set with more than its base step on the boards, by "dashboard uid/panel id/field". */
    static Map<String, JsonNode> thresholds() throws IOException {
        Map<String, JsonNode> found = new TreeMap<>();
        for (Path file : dashboards()) {
            JsonNode dash = JSON.readTree(file.toFile());
            for (JsonNode panel : dash.path("panels")) {
                String key = dash.path("uid").asText() + "/" + panel.path("id").asInt() + "/";
                JsonNode defaults = panel.path("fieldConfig").path("defaults").path("thresholds");
                if (defaults.path("steps").size() > 1) {
                    found.put(key + "*", defaults);
                }
                for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
                    for (JsonNode property : o.path("properties")) {
                        if (property.path("id").asText().equals("thresholds") && property.path("value").path("steps").size() > 1) {
                            found.put(key + o.path("matcher").path("options").asText(), property.path("value"));
                        }
                    }
                }
            }
        }
        return found;
    }

    /** The panel with this "dashboard uid/panel id". */
    static JsonNode panel(String dashboardAndPanel) throws IOException {
        String[] parts = dashboardAndPanel.split("/");
        for (Path file : dashboards()) {
            JsonNode dash = JSON.readTree(file.toFile());
            if (dash.path("uid").asText().equals(parts[0])) {
                for (JsonNode panel : dash.path("panels")) {
                    if (panel.path("id").asText().equals(parts[1])) {
                        return panel;
                    }
                }
            }
        }
        throw new AssertionError("no panel " + dashboardAndPanel);
    }

    /** The query of the panel's target that names a result column {@code AS "column"}. */
    static Query columnQuery(String dashboardAndPanel, String column) throws IOException {
        for (JsonNode target : panel(dashboardAndPanel).path("targets")) {
            String text = target.path("query").asText();
            if (text.contains("AS \"" + column + "\"")) {
                return new Query(dashboardAndPanel + " " + column, text, 6 * 3600);
            }
        }
        throw new AssertionError("no query for column " + column + " in " + dashboardAndPanel);
    }

    /** The rule with this uid. */
    static JsonNode rule(String uid) throws IOException {
        return rules().stream().filter(r -> r.path("uid").asText().equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("no rule " + uid));
    }

    /** The rule's threshold evaluator (C): {@code type} lt or gt and {@code params}. */
    static JsonNode evaluator(JsonNode rule) {
        return rule.path("data").get(2).path("model").path("conditions").get(0).path("evaluator");
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("grafana"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    static JsonNode yaml(String relative) throws IOException {
        return YAML.readTree(root().resolve(relative).toFile());
    }

    static List<Path> dashboards() throws IOException {
        try (var files = Files.list(root().resolve("grafana/dashboards"))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<Query> queries() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode dash = JSON.readTree(file.toFile());
            for (JsonNode variable : dash.path("templating").path("list")) {
                queries.add(new Query(file.getFileName() + " variable " + variable.path("name").asText(),
                        variable.path("query").asText(), 6 * 3600));
            }
            for (JsonNode panel : dash.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(file.getFileName() + " panel " + panel.path("id").asInt() + " "
                            + target.path("refId").asText(), target.path("query").asText(), 6 * 3600));
                }
            }
        }
        for (JsonNode rule : rules()) {
            for (JsonNode data : rule.path("data")) {
                if (!data.path("datasourceUid").asText().equals("__expr__")) {
                    queries.add(new Query("rule " + rule.path("uid").asText(), data.path("model").path("query").asText(),
                            data.path("relativeTimeRange").path("from").asLong()));
                }
            }
        }
        return queries;
    }

    static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : yaml("grafana/provisioning/alerting/rules.yaml").path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private Provisioning() {}
}
