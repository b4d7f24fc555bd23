package io.touchpoint.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.alerts.AlertState.State;
import io.touchpoint.cli.Cli;
import io.touchpoint.cli.DemoCommand;
import io.touchpoint.cli.Touchpoint;
import io.touchpoint.cli.ConnectionOptions;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.stack.LocalInflux;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code touchpoint alerts}: the provisioned Grafana rules evaluated against InfluxDB as Grafana evaluates them, per
 * rule and series; {@code touchpoint alerts test FILE...}: the rule unit tests.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false,
        header = "the provisioned Grafana alert rules evaluated against InfluxDB; 'alerts test FILE...' runs rule tests",
        description = {
            "Evaluates the alert rules of grafana/provisioning/alerting/rules.yaml against InfluxDB the way Grafana "
                    + "does (query, reduce, threshold, pending period, no-data and error states) and prints per rule "
                    + "and channel (or topic): Normal, Pending since or Firing since, with the value, the threshold, "
                    + "the team policies.yaml routes it to and the runbook.",
            "Credentials come from TOUCHPOINT_INFLUX_USER and TOUCHPOINT_INFLUX_PASSWORD, or the --config file."},
        subcommands = AlertsCommand.TestCommand.class)
public final class AlertsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--at", paramLabel = "INSTANT", description = "Evaluate as of this instant (ISO-8601, e.g. "
            + "2026-03-02T10:30:00Z); default: now.")
    String at;

    @Mixin
    ConnectionOptions.Influx connection;

    @Mixin
    ConnectionOptions.Config config;

    @Mixin
    RulesFile rules;

    @Option(names = "--policies", paramLabel = "FILE", description = "Notification policies (default: "
            + "grafana/provisioning/alerting/policies.yaml of this checkout).")
    Path policies;

    @Override
    public Integer call() throws IOException {
        Instant when = instant(at);
        Configuration settings = ConnectionOptions.load(config, null, connection);
        List<AlertRule> loaded = AlertRule.load(rulesFile(rules.file));
        Routing routing = routing(policies);
        String influx = settings.get(MonitorOptions.INFLUX_URL);
        String database = settings.get(MonitorOptions.INFLUX_DATABASE);
        if (!LocalInflux.ping(influx)) {
            throw new IllegalStateException("InfluxDB at " + influx + " does not answer (is it running? bin/touchpoint "
                    + "stack up starts one)");
        }
        List<AlertState> states = new ArrayList<>();
        try (AlertEvaluator evaluator = new AlertEvaluator(influx, database,
                settings.getOptional(MonitorOptions.INFLUX_USER).orElse(null),
                settings.getOptional(MonitorOptions.INFLUX_PASSWORD).orElse(null))) {
            for (AlertRule rule : loaded) {
                states.addAll(evaluator.states(rule, when));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Alert rules on " + influx + "/" + database + " as of " + when + ":");
        out.println();
        print(states, routing, when, out);
        return Cli.OK;
    }

    static Instant instant(String text) {
        if (text == null) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Cli.BadInput("--at '" + text + "' is not an ISO-8601 instant such as 2026-03-02T10:30:00Z");
        }
    }

    /** The checkout's grafana/provisioning/alerting/NAME, for the defaults. */
    static Path provisioned(String name) {
        return Path.of(System.getProperty("touchpoint.home", ".")).resolve("grafana/provisioning/alerting").resolve(name);
    }

    public static Path rulesFile(Path given) {
        Path file = given != null ? given : provisioned("rules.yaml");
        if (!Files.isRegularFile(file)) {
            throw new Cli.BadInput("no rule file " + file);
        }
        return file;
    }

    public static Routing routing(Path given) throws IOException {
        Path file = given != null ? given : provisioned("policies.yaml");
        if (!Files.isRegularFile(file)) {
            throw new Cli.BadInput("no policies file " + file);
        }
        JsonNode policies = AlertRule.YAML.readTree(file.toFile());
        return Routing.of(policies);
    }

    /** Where runbook links point: RUNBOOK_BASE_URL as Grafana gets it, else the checkout's docs/runbooks. */
    static String runbookBase() {
        String base = System.getenv("RUNBOOK_BASE_URL");
        return base != null && !base.isBlank() ? base : "docs/runbooks";
    }

    /** One line per rule and series, rules in file order, active alerts of a rule first. */
    public static void print(List<AlertState> states, Routing routing, Instant at, PrintWriter out) {
        String format = "%-27s %-27s %-40s %9s %9s  %-14s %s%n";
        out.printf(format, "rule", "channel / source", "state", "value", "threshold", "team", "runbook");
        for (AlertState s : states) {
            out.printf(format, s.rule().uid(), s.series().isEmpty() ? "-" : s.series(), state(s, at),
                    s.value() == null ? "-" : AlertRule.number(s.value()), s.rule().thresholdText(),
                    routing.receiver(s.labels()), s.rule().runbook(runbookBase()));
        }
    }

    /** Prints to a stream (for commands not on picocli's writer). */
    public static void print(List<AlertState> states, Routing routing, Instant at, PrintStream stream) {
        PrintWriter out = new PrintWriter(stream, true);
        print(states, routing, at, out);
        out.flush();
    }

    static String state(AlertState s, Instant at) {
        String name = s.state().grafanaName();
        if (s.state() == State.NORMAL) {
            return s.detail().isEmpty() ? name : name + " (" + s.detail() + ")";
        }
        String since = s.since() == null ? "" : " since " + s.since().truncatedTo(ChronoUnit.MINUTES)
                + " (" + ago(Duration.between(s.since(), at)) + ")";
        String detail = s.detail().isEmpty() || s.state() == State.ERROR ? "" : " " + s.detail();
        return s.state() == State.ERROR ? name + ": " + s.detail() : name + since + detail;
    }

    private static String ago(Duration d) {
        long minutes = d.toMinutes();
        return minutes < 120 ? minutes + " min" : String.format(Locale.ROOT, "%.1f h", minutes / 60.0);
    }

    /** {@code --rules FILE}, for alerts and alerts test. */
    static final class RulesFile {
        @Option(names = "--rules", paramLabel = "FILE", description = "Rule provisioning file (default: "
                + "grafana/provisioning/alerting/rules.yaml of this checkout).")
        Path file;
    }

    /** {@code touchpoint alerts test FILE...}. */
    @Command(name = "test", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
            sortOptions = false, header = "rule unit tests, like promtool test rules",
            description = {
                "Runs rule unit tests (the YAML form of grafana/tests/*.yaml, like promtool test rules): writes each "
                        + "file's input series into a fresh database, evaluates its rule at each eval_time and "
                        + "compares the pending and firing alerts with the expected ones.",
                "Without --influx a private influxd is started on a free loopback port and stopped afterwards.",
                "Exit status 0 when every test passed, 1 when one failed."})
    static final class TestCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule test files or folders of them.")
        List<Path> files;

        @Option(names = "--influx", paramLabel = "URL",
                description = "Use this InfluxDB (no authentication) instead of a private influxd.")
        String influx;

        @Mixin
        RulesFile rules;

        @Override
        public Integer call() throws Exception {
            List<Path> tests = expand(files);
            List<AlertRule> loaded = AlertRule.load(rulesFile(rules.file));
            PrintWriter out = spec.commandLine().getOut();
            Path dir = null;
            LocalInflux server = null;
            try {
                String url = influx;
                if (url == null) {
                    dir = Files.createTempDirectory("touchpoint-rule-tests");
                    server = LocalInflux.start(dir, 0, false);
                    url = server.url();
                }
                int failed = 0;
                int evaluations = 0;
                for (Path file : tests) {
                    RuleTests.Outcome outcome = RuleTests.run(file, loaded, url);
                    evaluations += outcome.evaluations();
                    out.printf("%-4s %s (%s, %d evaluations)%n", outcome.passed() ? "ok" : "FAIL", file,
                            outcome.rule(), outcome.evaluations());
                    outcome.failures().forEach(f -> out.println("       " + f));
                    failed += outcome.passed() ? 0 : 1;
                }
                out.printf("%d of %d rule test files passed (%d evaluations)%n", tests.size() - failed, tests.size(),
                        evaluations);
                return failed == 0 ? Cli.OK : Cli.FAILED;
            } finally {
                if (server != null) {
                    server.stop();
                }
                if (dir != null) {
                    DemoCommand.deleteTree(dir);
                }
            }
        }
    }

    /** The files given, folders replaced by the .yaml/.yml files in them, sorted. */
    static List<Path> expand(List<Path> given) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new Cli.BadInput("no rule test file " + p);
            }
        }
        return files;
    }

}
