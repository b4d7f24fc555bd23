package io.touchpoint.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.gateway.GatewayOptions;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** Every provisioning file and the compose file parse, and every reference in them resolves. */
class ProvisioningTest {

    private static final Path ROOT = Provisioning.root();

    @Test
    void everyFileUnderGrafanaParses() throws Exception {
        int files = 0;
        try (Stream<Path> all = Files.walk(ROOT.resolve("grafana"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                JsonNode node = p.toString().endsWith(".json") ? Provisioning.JSON.readTree(p.toFile())
                        : Provisioning.YAML.readTree(p.toFile());
                assertThat(node.isObject()).as(p.toString()).isTrue();
                files++;
            }
        }
        // 9 provisioning and board files, and the 8 rule tests of grafana/tests (one per rule)
        assertThat(files).isEqualTo(9 + 8);
        assertThat(Provisioning.dashboards()).extracting(p -> p.getFileName().toString())
                .containsExactly("channel.json", "overview.json", "pipeline.json");
    }

    @Test
    void everyDatasourceReferenceIsTheProvisionedOne() throws Exception {
        JsonNode ds = Provisioning.yaml("grafana/provisioning/datasources/influxdb.yaml").path("datasources").get(0);
        assertThat(ds.path("uid").asText()).isEqualTo("touchpoint-influx");
        assertThat(ds.path("type").asText()).isEqualTo("influxdb");
        for (Path file : Provisioning.dashboards()) {
            JsonNode dash = Provisioning.JSON.readTree(file.toFile());
            for (JsonNode panel : dash.path("panels")) {
                if (panel.has("targets")) {
                    assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("touchpoint-influx");
                    panel.path("targets").forEach(t ->
                            assertThat(t.path("datasource").path("uid").asText()).isEqualTo("touchpoint-influx"));
                }
            }
        }
        for (JsonNode rule : Provisioning.rules()) {
            rule.path("data").forEach(d -> assertThat(d.path("datasourceUid").asText())
                    .isIn("touchpoint-influx", "__expr__"));
        }
    }

    @Test
    void everyQueryNamesOnlyMeasurementsFieldsAndTagsTheJobWrites() throws Exception {
        List<Provisioning.Query> queries = Provisioning.queries();
        assertThat(queries).hasSize(56);
        for (Provisioning.Query q : queries) {
            String measurement = q.measurement();
            assertThat(Provisioning.CATALOGUE).as(q.where()).containsKey(measurement);
            assertThat(q.identifiers()).as(q.where() + ": " + q.text())
                    .allMatch(name -> Provisioning.CATALOGUE.get(measurement).contains(name));
        }
    }

    @Test
    void alertRulesLinkExistingPanelsRunbooksAndRoutedTeams() throws Exception {
        List<JsonNode> rules = Provisioning.rules();
        assertThat(rules).extracting(r -> r.path("title").asText()).containsExactly(
                "NPS significantly below target", "First-reply p90 over the SLA", "Oldest wait over twice the SLA",
                "SLA attainment low", "Churn-risk spike", "Channel silent", "Pipeline watermark lag",
                "Pipeline dead-letter rate");
        Set<String> teamsProduced = new TreeSet<>();
        for (JsonNode rule : rules) {
            String uid = rule.path("uid").asText();
            JsonNode a = rule.path("annotations");
            String runbook = a.path("runbook_url").asText();
            assertThat(runbook).isEqualTo("${RUNBOOK_BASE_URL}/" + uid + ".md");
            assertThat(ROOT.resolve("docs/runbooks/" + uid + ".md")).exists();
            JsonNode dash = Provisioning.JSON.readTree(
                    ROOT.resolve("grafana/dashboards/" + dashboardFile(a.path("__dashboardUid__").asText())).toFile());
            Set<Integer> panels = new HashSet<>();
            dash.path("panels").forEach(p -> panels.add(p.path("id").asInt()));
            assertThat(panels).as(uid).contains(Integer.parseInt(a.path("__panelId__").asText()));
            // the built-in annotations mark the rule's state changes on that panel: it must be a time series
            assertThat(Provisioning.panel(a.path("__dashboardUid__").asText() + "/" + a.path("__panelId__").asText())
                    .path("type").asText()).as(uid).isEqualTo("timeseries");
            assertThat(a.path("summary").asText()).as(uid).contains("$values.B.Value");
            assertThat(rule.path("labels").path("severity").asText()).isIn("critical", "warning");
            Matcher literal = Pattern.compile("(?:^|}})([a-z-]+)(?:\\{\\{|$)").matcher(rule.path("labels").path("team").asText());
            while (literal.find()) {
                teamsProduced.add(literal.group(1));
            }
        }
        assertThat(teamsProduced).containsExactlyInAnyOrder("live-support", "async-support", "social-care",
                "store-ops", "operations");

        JsonNode policies = Provisioning.yaml("grafana/provisioning/alerting/policies.yaml");
        Set<String> contactPoints = new HashSet<>();
        Provisioning.yaml("grafana/provisioning/alerting/contact-points.yaml").path("contactPoints")
                .forEach(c -> contactPoints.add(c.path("name").asText()));
        Set<String> muteTimes = new HashSet<>();
        policies.path("muteTimes").forEach(m -> muteTimes.add(m.path("name").asText()));
        Set<String> routedTeams = new TreeSet<>();
        JsonNode root = policies.path("policies").get(0);
        assertThat(contactPoints).contains(root.path("receiver").asText());
        checkRoutes(root.path("routes"), contactPoints, muteTimes, routedTeams);
        assertThat(routedTeams).isEqualTo(teamsProduced);
    }

    @Test
    void boardThresholdsAreTheAlertRulesThresholds() throws Exception {
        Map<String, JsonNode> onBoards = Provisioning.thresholds();
        assertThat(onBoards.keySet()).as("every coloured threshold mirrors a rule").isEqualTo(Provisioning.MIRRORS.keySet());
        for (Map.Entry<String, JsonNode> t : onBoards.entrySet()) {
            JsonNode evaluator = Provisioning.evaluator(Provisioning.rule(Provisioning.MIRRORS.get(t.getKey())));
            boolean below = evaluator.path("type").asText().equals("lt");
            JsonNode steps = t.getValue().path("steps");
            assertThat(steps).as(t.getKey()).hasSize(2);
            assertThat(steps.get(0).path("value").isNull()).as(t.getKey()).isTrue();
            assertThat(steps.get(1).path("value").asDouble()).as(t.getKey())
                    .isEqualTo(evaluator.path("params").get(0).asDouble());
            // red on the side where the rule's condition holds
            assertThat(steps.get(0).path("color").asText()).as(t.getKey()).isEqualTo(below ? "red" : "green");
            assertThat(steps.get(1).path("color").asText()).as(t.getKey()).isEqualTo(below ? "green" : "red");
        }
        // the status table has a cell for every per-channel rule
        Set<String> inTable = new TreeSet<>();
        Provisioning.MIRRORS.forEach((where, rule) -> {
            if (where.startsWith(Provisioning.STATUS_TABLE + "/")) {
                inTable.add(rule);
            }
        });
        Set<String> channelRules = new TreeSet<>();
        for (JsonNode rule : Provisioning.rules()) {
            if (rule.path("data").get(0).path("model").path("query").asText().contains("\"channel\"")) {
                channelRules.add(rule.path("uid").asText());
            }
        }
        assertThat(inTable).isEqualTo(channelRules).hasSize(6);
    }

    @Test
    void statusTableCellsQueryWhatTheirRulesQuery() throws Exception {
        // A coloured cell is the rule's query over the rule's look-back ending at the board's "to": same filters
        // (minimum answers, replies), same arithmetic, so it is red exactly when the rule's condition holds.
        for (Map.Entry<String, String> mirror : Provisioning.MIRRORS.entrySet()) {
            if (!mirror.getKey().startsWith(Provisioning.STATUS_TABLE + "/")) {
                continue;
            }
            String column = mirror.getKey().substring(Provisioning.STATUS_TABLE.length() + 1);
            JsonNode a = Provisioning.rule(mirror.getValue()).path("data").get(0);
            String expected = a.path("model").path("query").asText().replace("$timeFilter",
                    "time >= ${__to}ms - " + a.path("relativeTimeRange").path("from").asLong() + "s AND time <= ${__to}ms");
            String board = Provisioning.columnQuery(Provisioning.STATUS_TABLE, column).text();
            String unaliased = board.replace(" AS \"" + column + "\"", "");
            Matcher wrapped = Pattern.compile("^SELECT last\\(\"(\\w+)\"\\) FROM \\((.*) AS \"\\1\"( FROM .*)\\) GROUP BY \"channel\"$")
                    .matcher(unaliased);
            assertThat(wrapped.matches() ? wrapped.group(2) + wrapped.group(3) : unaliased).as(column).isEqualTo(expected);
        }
    }

    @Test
    void everyLinkOpensAnExistingBoardWithItsVariablesAndEveryVariableResolves() throws Exception {
        Map<String, Set<String>> variables = new TreeMap<>();
        Map<String, JsonNode> boards = new TreeMap<>();
        for (Path file : Provisioning.dashboards()) {
            JsonNode dash = Provisioning.JSON.readTree(file.toFile());
            Set<String> names = new TreeSet<>();
            dash.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
            variables.put(dash.path("uid").asText(), names);
            boards.put(dash.path("uid").asText(), dash);
        }
        Set<String> globals = Set.of("__url_time_range", "__value.raw", "__field.labels.channel", "__from", "__to",
                "timeFilter", "__interval", "tag_channel", "tag_source", "tag_touchpoint", "col");
        Pattern reference = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_.]*)}?");
        int links = 0;
        for (Map.Entry<String, JsonNode> board : boards.entrySet()) {
            Set<String> own = variables.get(board.getKey());
            for (JsonNode panel : board.getValue().path("panels")) {
                String where = board.getKey() + " panel " + panel.path("id").asInt();
                List<String> texts = new ArrayList<>();
                panel.path("targets").forEach(t -> {
                    texts.add(t.path("query").asText());
                    texts.add(t.path("alias").asText());
                });
                texts.add(panel.path("options").path("alertInstanceLabelFilter").asText());
                List<JsonNode> panelLinks = new ArrayList<>();
                panel.path("fieldConfig").path("defaults").path("links").forEach(panelLinks::add);
                for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
                    for (JsonNode property : o.path("properties")) {
                        if (property.path("id").asText().equals("links")) {
                            property.path("value").forEach(panelLinks::add);
                        }
                    }
                }
                for (JsonNode link : panelLinks) {
                    String url = link.path("url").asText();
                    texts.add(url);
                    texts.add(link.path("title").asText());
                    Matcher target = Pattern.compile("^/d/([a-z-]+)\\?(.*)$").matcher(url);
                    assertThat(target.matches()).as(where + " links " + url).isTrue();
                    assertThat(variables).as(where + " links " + url).containsKey(target.group(1));
                    for (String param : target.group(2).split("&")) {
                        if (param.startsWith("var-")) {
                            assertThat(variables.get(target.group(1))).as(where + " links " + url)
                                    .contains(param.substring(4, param.indexOf('=')));
                        }
                    }
                    links++;
                }
                for (String text : texts) {
                    Matcher m = reference.matcher(text);
                    while (m.find()) {
                        assertThat(globals.contains(m.group(1)) || own.contains(m.group(1)))
                                .as(where + " refers to $" + m.group(1) + " in " + text).isTrue();
                    }
                }
            }
        }
        assertThat(links).isEqualTo(11);
        // each channel name in the status table opens the drill-down of that channel
        JsonNode channelColumn = null;
        for (JsonNode o : Provisioning.panel(Provisioning.STATUS_TABLE).path("fieldConfig").path("overrides")) {
            if (o.path("matcher").path("options").asText().equals("channel")) {
                channelColumn = o;
            }
        }
        assertThat(channelColumn).isNotNull();
        assertThat(channelColumn.toString()).contains("/d/touchpoint-channel?var-channel=${__value.raw}&${__url_time_range}");
    }

    @Test
    void everyPanelSaysWhatItShowsWithUnitDecimalsAndNoData() throws Exception {
        for (Path file : Provisioning.dashboards()) {
            JsonNode dash = Provisioning.JSON.readTree(file.toFile());
            assertThat(dash.path("annotations").path("list").get(0).path("builtIn").asInt()).as(file + " alert marks")
                    .isEqualTo(1);
            assertThat(dash.path("annotations").path("list").get(0).path("type").asText()).isEqualTo("dashboard");
            for (JsonNode panel : dash.path("panels")) {
                String where = file.getFileName() + " panel " + panel.path("id").asInt();
                assertThat(panel.path("description").asText()).as(where).hasSizeGreaterThan(40);
                if (!panel.has("targets")) {
                    continue;
                }
                JsonNode defaults = panel.path("fieldConfig").path("defaults");
                assertThat(defaults.path("unit").asText()).as(where).isNotBlank();
                assertThat(defaults.path("decimals").isInt()).as(where).isTrue();
                assertThat(defaults.path("noValue").asText()).as(where).isNotBlank();
                for (JsonNode target : panel.path("targets")) {
                    String query = target.path("query").asText();
                    boolean survey = Pattern.compile("FROM \"(nps|csat|ces)(_touchpoint)?\"").matcher(query).find();
                    if (survey) {
                        assertThat(query).as(where + ": no answers is not a zero").doesNotContain("fill(0)");
                        if (panel.path("type").asText().equals("timeseries")) {
                            assertThat(defaults.path("noValue").asText()).as(where).isEqualTo("no answers");
                        }
                    }
                    for (String[] column : selected(query)) {
                        String unit = unitOf(panel, target.path("refId").asText(), column[1]);
                        String expression = column[0];
                        String expected = expression.contains("/ last(\"sla_target_s\")") ? "percentunit"
                                : expression.contains("* 100 /") || expression.contains("\"csat\"") ? "percent"
                                : expression.matches(".*\"[a-z0-9_]+_s\".*") ? "duration" : null;
                        if ("duration".equals(expected)) {
                            assertThat(unit).as(where + " " + expression).isIn("s", "dtdurations");
                        } else if (expected != null) {
                            assertThat(unit).as(where + " " + expression).isEqualTo(expected);
                        }
                        if (panel.path("type").asText().equals("table") && column[1] != null && survey) {
                            JsonNode mappings = override(panel, column[1], "mappings");
                            assertThat((mappings.isMissingNode() ? defaults.path("mappings") : mappings).toString())
                                    .as(where + " " + column[1] + " shows a text where nothing was answered")
                                    .contains("\"match\":\"null\"");
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyFieldOverrideSortAndColumnOrderNamesAColumnAQueryReturns() throws Exception {
        int named = 0;
        for (Path file : Provisioning.dashboards()) {
            for (JsonNode panel : Provisioning.JSON.readTree(file.toFile()).path("panels")) {
                String where = file.getFileName() + " panel " + panel.path("id").asInt();
                Set<String> columns = new TreeSet<>();
                Set<String> refIds = new TreeSet<>();
                for (JsonNode target : panel.path("targets")) {
                    refIds.add(target.path("refId").asText());
                    String query = target.path("query").asText();
                    selected(query).stream().filter(c -> c[1] != null).forEach(c -> columns.add(c[1]));
                    Matcher tag = Pattern.compile("GROUP BY (?:time\\([^)]*\\), )?\"(\\w+)\"(?: fill\\(\\w+\\))?$").matcher(query);
                    if (tag.find()) {
                        columns.add(tag.group(1));
                    }
                }
                List<String> names = new ArrayList<>();
                for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
                    String matcher = o.path("matcher").path("id").asText();
                    String name = o.path("matcher").path("options").asText();
                    if (matcher.equals("byName")) {
                        names.add(name);
                    } else if (matcher.equals("byFrameRefID")) {
                        assertThat(refIds).as(where + " override for query " + name).contains(name);
                    } else {
                        assertThat(matcher).as(where).isEqualTo("byRegexp");
                    }
                }
                panel.path("options").path("sortBy").forEach(sort -> names.add(sort.path("displayName").asText()));
                for (JsonNode t : panel.path("transformations")) {
                    t.path("options").path("indexByName").fieldNames().forEachRemaining(names::add);
                }
                for (String name : names) {
                    assertThat(columns).as(where + " names column " + name).contains(name);
                    named++;
                }
            }
        }
        assertThat(named).isGreaterThan(40);
    }

    /** The outermost SELECT list of a query as [expression, alias or null]. */
    private static List<String[]> selected(String query) {
        String list = query.substring("SELECT ".length());
        List<String[]> columns = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            boolean end = depth == 0 && (c == ',' || list.startsWith(" FROM ", i));
            if (end) {
                String item = list.substring(start, i).trim();
                Matcher alias = Pattern.compile("^(.*) AS \"([^\"]+)\"$").matcher(item);
                columns.add(alias.matches() ? new String[] {alias.group(1), alias.group(2)} : new String[] {item, null});
                if (c != ',') {
                    break;
                }
                start = i + 1;
            }
        }
        return columns;
    }

    /** The value a field override sets for this column (by name), or a missing node. */
    private static JsonNode override(JsonNode panel, String column, String property) {
        for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
            if (o.path("matcher").path("id").asText().equals("byName") && o.path("matcher").path("options").asText().equals(column)) {
                for (JsonNode p : o.path("properties")) {
                    if (p.path("id").asText().equals(property)) {
                        return p.path("value");
                    }
                }
            }
        }
        return MissingNode.getInstance();
    }

    /** The unit Grafana shows a column in: a by-name or by-query override, else the panel's default. */
    private static String unitOf(JsonNode panel, String refId, String column) {
        if (column != null && !override(panel, column, "unit").isMissingNode()) {
            return override(panel, column, "unit").asText();
        }
        for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
            if (o.path("matcher").path("id").asText().equals("byFrameRefID") && o.path("matcher").path("options").asText().equals(refId)) {
                for (JsonNode p : o.path("properties")) {
                    if (p.path("id").asText().equals("unit")) {
                        return p.path("value").asText();
                    }
                }
            }
        }
        return panel.path("fieldConfig").path("defaults").path("unit").asText();
    }

    private static void checkRoutes(JsonNode routes, Set<String> contactPoints, Set<String> muteTimes,
            Set<String> teams) {
        for (JsonNode route : routes) {
            assertThat(contactPoints).contains(route.path("receiver").asText());
            route.path("mute_time_intervals").forEach(m -> assertThat(muteTimes).contains(m.asText()));
            route.path("object_matchers").forEach(m -> {
                if (m.get(0).asText().equals("team")) {
                    teams.add(m.get(2).asText());
                }
            });
            checkRoutes(route.path("routes"), contactPoints, muteTimes, teams);
        }
    }

    private static String dashboardFile(String uid) throws Exception {
        for (Path file : Provisioning.dashboards()) {
            if (Provisioning.JSON.readTree(file.toFile()).path("uid").asText().equals(uid)) {
                return file.getFileName().toString();
            }
        }
        throw new AssertionError("no dashboard with uid " + uid);
    }

    @Test
    void theComposeFileIsPinnedLoopbackOnlyAndItsReferencesResolve() throws Exception {
        JsonNode compose = Provisioning.yaml("docker-compose.yml");
        String text = Files.readString(ROOT.resolve("docker-compose.yml"));
        Properties env = new Properties();
        env.load(Files.newBufferedReader(ROOT.resolve(".env.example")));
        Matcher var = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(text);
        while (var.find()) {
            assertThat(env).as("${" + var.group(1) + "} in .env.example").containsKey(var.group(1));
        }
        JsonNode services = compose.path("services");
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("kafka", "jobmanager", "taskmanager", "influxdb", "grafana", "simulator", "mailpit",
                "gateway");
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            String image = s.getValue().path("image").asText();
            assertThat(image).as(s.getKey()).matches("[a-z0-9./_-]+:[0-9v][A-Za-z0-9._-]*");
            s.getValue().path("ports").forEach(p -> assertThat(p.asText()).as(s.getKey()).startsWith("127.0.0.1:"));
            s.getValue().path("depends_on").fieldNames().forEachRemaining(d -> assertThat(names).contains(d));
            s.getValue().path("volumes").forEach(v -> {
                String host = v.asText().split(":")[0];
                if (host.startsWith("./")) {
                    assertThat(ROOT.resolve(host.substring(2))).as(s.getKey() + " mounts " + host).exists();
                }
            });
        }
        // the job reads exactly these secrets and settings
        JsonNode job = services.path("jobmanager");
        assertThat(job.path("environment").has(MonitorConfig.ENV_INFLUX_USER)).isTrue();
        assertThat(job.path("environment").has(MonitorConfig.ENV_INFLUX_PASSWORD)).isTrue();
        assertThat(job.path("command").asText()).contains("io.touchpoint.job.MonitorMain");
        Set<String> keys = new HashSet<>();
        for (Field f : MonitorOptions.class.getFields()) {
            if (f.get(null) instanceof ConfigOption<?> option) {
                keys.add(option.key());
            }
        }
        Properties monitor = new Properties();
        monitor.load(Files.newBufferedReader(ROOT.resolve("docker/monitor.properties")));
        for (String key : monitor.stringPropertyNames()) {
            assertThat(keys.contains(key) || key.startsWith(MonitorOptions.CALENDAR_PREFIX)).as(key).isTrue();
        }
        // the gateway reads its token from the environment, never from its command line
        JsonNode gateway = services.path("gateway");
        assertThat(gateway.path("environment").has(GatewayOptions.ENV_TOKEN)).isTrue();
        assertThat(gateway.path("command").get(0).asText()).isEqualTo("gateway");
        assertThat(gateway.path("command").toString()).doesNotContainIgnoringCase("token");
        // grafana gets every variable its provisioning interpolates
        JsonNode grafana = services.path("grafana").path("environment");
        try (Stream<Path> files = Files.walk(ROOT.resolve("grafana/provisioning"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(Files.readString(p));
                while (m.find()) {
                    assertThat(grafana.has(m.group(1))).as(p.getFileName() + " uses " + m.group(1)).isTrue();
                }
            }
        }
        assertThat(grafana.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
        assertThat(grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText()).isEqualTo("${GRAFANA_ADMIN_PASSWORD}");
        assertThat(services.path("influxdb").path("environment").path("INFLUXDB_HTTP_AUTH_ENABLED").asText())
                .isEqualTo("true");
        assertThat(ROOT.resolve(".gitignore")).content().contains(".env");
    }
}
