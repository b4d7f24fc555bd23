package io.touchpoint.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.stack.LocalInflux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every rule test under grafana/tests run against a real influxd, as {@code bin/touchpoint alerts test} runs them. */
class RuleTestsITCase {

    @TempDir
    static Path dir;

    private static LocalInflux influx;
    private static List<AlertRule> rules;

    @BeforeAll
    static void start() throws Exception {
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        rules = AlertRule.load(root().resolve("grafana/provisioning/alerting/rules.yaml"));
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.stop();
        }
    }

    static Path root() {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.exists(d.resolve("grafana"))) {
            d = d.getParent();
        }
        return d;
    }

    static List<Path> files() throws Exception {
        try (Stream<Path> list = Files.list(root().resolve("grafana/tests"))) {
            return list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRuleTestPasses() throws Exception {
        return files().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            RuleTests.Outcome outcome = RuleTests.run(file, rules, influx.url());
            assertThat(outcome.failures()).as(file.toString()).isEmpty();
            assertThat(outcome.evaluations()).isGreaterThanOrEqualTo(5);
        }));
    }

    /**
     * Each of the rules has a test file, and each file shows the rule pending (or, without a pending period, firing
     * at the first evaluation that holds), firing, resolved (no alert after one), and with no data.
     */
    @Test
    void everyRuleIsTestedFiringPendingResolvedAndWithoutData() throws Exception {
        List<String> tested = new ArrayList<>();
        for (Path file : files()) {
            var test = AlertRule.YAML.readTree(file.toFile());
            String uid = test.path("rule").asText();
            tested.add(uid);
            AlertRule rule = AlertRule.find(rules, uid);
            List<String> states = new ArrayList<>();
            boolean resolved = false;
            boolean noData = false;
            boolean wasFiring = false;
            for (var check : test.path("tests")) {
                for (var alert : check.path("exp_alerts")) {
                    states.add(alert.path("state").asText("firing"));
                }
                boolean firingNow = false;
                for (var alert : check.path("exp_alerts")) {
                    firingNow |= alert.path("state").asText("firing").equals("firing");
                }
                resolved |= wasFiring && check.path("exp_alerts").isEmpty();
                wasFiring = firingNow;
                noData |= check.path("exp_no_data").asBoolean(false);
            }
            assertThat(states).as(uid).contains("firing");
            if (!rule.pendingPeriod().isZero()) {
                assertThat(states).as(uid).contains("pending");
            }
            assertThat(resolved).as(uid + " resolved").isTrue();
            assertThat(noData).as(uid + " no data").isTrue();
        }
        assertThat(tested).containsExactlyInAnyOrderElementsOf(rules.stream().map(AlertRule::uid).toList());
    }

    /** A wrong expectation is reported with what was found: the runner can fail. */
    @Test
    void aWrongExpectationIsReported() throws Exception {
        Path file = dir.resolve("wrong.yaml");
        Files.writeString(file, String.join("\n",
                "rule: oldest-wait-over-twice-sla",
                "input_series:",
                "  - series: backlog,channel=chat",
                "    fields:",
                "      oldest_wait_s: '300x5'",
                "      sla_target_s: '120x5'",
                "tests:",
                "  - eval_time: 1m",
                "    exp_alerts:",
                "      - exp_labels: {channel: chat, severity: critical, team: live-support}",
                "        state: firing",
                "  - eval_time: 3m",
                "    exp_alerts: []",
                ""));
        RuleTests.Outcome outcome = RuleTests.run(file, rules, influx.url());
        // 300/120 = 2.5 holds from 10:00; at 10:01 pending (2 min not yet held), at 10:03 firing since 10:02
        assertThat(outcome.failures()).containsExactly(
                "at 1m: {channel=chat, severity=critical, team=live-support} is pending {channel=chat, "
                        + "severity=critical, team=live-support} value 2.5 since 2026-03-02T10:00:00Z, expected Firing",
                "at 3m: unexpected alerts firing {channel=chat, severity=critical, team=live-support} value 2.5 since "
                        + "2026-03-02T10:02:00Z");
    }
}
