package io.touchpoint.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.gateway.GatewayOptions;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
        assertThat(files).isEqualTo(9);
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
        assertThat(queries).hasSize(30);
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
