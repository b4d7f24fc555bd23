package io.touchpoint.cli;

import io.touchpoint.alerts.AlertEvaluator;
import io.touchpoint.alerts.AlertRule;
import io.touchpoint.alerts.AlertState;
import io.touchpoint.alerts.AlertsCommand;
import io.touchpoint.alerts.Routing;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.SimulateCommand;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code touchpoint demo}: a private Kafka and influxd on free loopback ports, three simulated hours in which chat
 * agents go offline in the second half, published at full speed, the job run bounded, a per-channel summary read
 * back from InfluxDB and the alert rules evaluated at the end of the simulated time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false,
        header = "a private stack, a few simulated hours with one degraded channel, the job run bounded, the "
                + "per-channel summary and the alerts it trips",
        description = {
            "Starts a private Kafka broker and influxd on free loopback ports (data under .stack/demo), simulates "
                    + "DURATION of traffic ending now with one degraded channel, publishes it at full speed, runs the "
                    + "monitor job bounded, prints a per-channel summary read back from InfluxDB (the degraded "
                    + "channel marked) and the alerts Grafana would show at the end of the simulated time, with the "
                    + "team each goes to and its runbook. Then stops what it started, unless --keep."})
public final class DemoCommand implements Callable<Integer> {

    static final String DATABASE = "touchpoint";

    /** The story the demo tells by default: chat agents offline trip oldest-wait-over-twice-sla within minutes. */
    static final String DEFAULT_SCENARIO = "chat-agents-offline";

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME", completionCandidates = ScenarioNames.class,
            description = "Scenario: one of ${COMPLETION-CANDIDATES}, or a scenario file (default: ${DEFAULT-VALUE}: "
                    + "nobody answers chat in the second half).")
    String scenarioName = DEFAULT_SCENARIO;

    @Option(names = "--duration", paramLabel = "D", description = "Simulated time ending now, e.g. 90m or 3h "
            + "(default: ${DEFAULT-VALUE}).")
    String duration = "3h";

    @Option(names = "--seed", paramLabel = "N", description = "Random seed of the simulation (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--keep", description = "Keep Kafka and InfluxDB running afterwards, until Ctrl-C.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Duration span;
        Scenario scenario;
        try {
            span = SimulateCommand.duration(duration);
            // A demo should look busy whatever the hour: daytime volume around the clock.
            scenario = Scenario.named(scenarioName).daytimeAllDay();
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("demo");
        LocalKafka kafka = null;
        LocalInflux influx = null;
        try {
            deleteTree(dir);
            out.println("1/5 starting Kafka and InfluxDB on loopback (data in " + dir + ") ...");
            out.flush();
            kafka = LocalKafka.start(dir.resolve("kafka"), 0);
            influx = LocalInflux.start(dir.resolve("influxdb"), 0, false);
            LocalInflux started = influx;
            // Ctrl-C skips the finally below; influxd is a child process and must not outlive us.
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-influxd"));
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.churn-risk", "cx.dead-letter");

            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            Instant start = end.minus(span);
            out.printf("2/5 simulating %s of '%s' traffic (%s to %s) ...%n", human(span), scenario.name(), start, end);
            out.flush();
            Simulator simulator = new Simulator(scenario, start, span, seed);
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                    new Properties())) {
                while (simulator.hasNext()) {
                    publisher.publish(simulator.next());
                }
                publisher.flush();
                out.printf("    published %,d interactions and %,d surveys%n", publisher.interactions(),
                        publisher.surveys());
            }

            out.println("3/5 running the monitor job bounded (parallelism 2) ...");
            out.flush();
            Configuration config = LocalRun.bounded(kafka.bootstrapServers(), influx.url(), DATABASE, 2);
            double seconds = LocalRun.execute(config);
            out.printf("    done in %.1f s%n", seconds);

            List<AlertState> alerts = channelAlerts(influx.url(), end);
            Map<String, List<String>> firing = new TreeMap<>();
            for (AlertState a : alerts) {
                if (a.state() == AlertState.State.FIRING && !a.series().isEmpty()) {
                    firing.computeIfAbsent(a.series(), c -> new ArrayList<>()).add(a.rule().uid());
                }
            }
            out.println("4/5 per-channel summary, read back from InfluxDB (! = an alert rule fires on the channel):");
            out.println();
            Summary.print(influx.url(), DATABASE, end.toEpochMilli(), config.get(MonitorOptions.TOPIC_INTERACTIONS),
                    config.get(MonitorOptions.TOPIC_SURVEYS), firing, out);
            out.println();
            out.println("5/5 alerts at the end of the simulated time (" + end + "), as Grafana evaluates the rules of "
                    + "grafana/provisioning/alerting (bin/touchpoint alerts):");
            out.println();
            List<AlertState> active = alerts.stream().filter(AlertState::active).toList();
            AlertsCommand.print(active, AlertsCommand.routing(null), end, out);
            long normal = alerts.stream().filter(a -> !a.active()).count();
            out.printf("%d more rule and channel pairs are Normal. The pipeline rules watch the wall clock of a live "
                    + "run and are left out of a replay compressed into seconds.%n", normal);
            if (keep) {
                out.println();
                out.println("Kept running: Kafka " + kafka.bootstrapServers() + ", InfluxDB " + influx.url()
                        + " (database " + DATABASE + "). Ctrl-C stops them.");
                out.flush();
                Thread.currentThread().join();
            }
            return Cli.OK;
        } finally {
            out.flush();
            if (influx != null) {
                influx.stop();
            }
            if (kafka != null) {
                kafka.stop();
            }
        }
    }

    /** Every rule on the channels (not the pipeline's, which run on processing time) at {@code at}. */
    private static List<AlertState> channelAlerts(String influxUrl, Instant at) throws IOException {
        List<AlertState> states = new ArrayList<>();
        try (AlertEvaluator evaluator = new AlertEvaluator(influxUrl, DATABASE, null, null)) {
            for (AlertRule rule : AlertRule.load(AlertsCommand.rulesFile(null))) {
                if (rule.seriesTag().equals("channel")) {
                    states.addAll(evaluator.states(rule, at));
                }
            }
        }
        return states;
    }

    private static String human(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
