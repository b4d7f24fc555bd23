package io.touchpoint.cli;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;

/**
 * {@code touchpoint demo}: a private Kafka and influxd on free loopback ports, three simulated hours with an
 * e-mail outage in the second half published at full speed, the job run bounded, and a per-channel summary read
 * back from InfluxDB.
 */
public final class DemoCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint demo [--scenario NAME] [--duration D] [--seed N] [--keep]",
            "",
            "Starts a private Kafka broker and influxd on free loopback ports (data under .stack/demo), simulates",
            "DURATION (default 3h) of traffic ending now with scenario NAME (default email-outage: e-mail replies",
            "six times slower in the second half), publishes it at full speed, runs the monitor job bounded and",
            "prints a per-channel summary read back from InfluxDB. Then stops what it started, unless --keep.");

    static final String DATABASE = "touchpoint";

    private DemoCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String scenarioName = "email-outage";
        Duration duration = Duration.ofHours(3);
        long seed = 7;
        boolean keep = false;
        Scenario scenario;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--keep" -> keep = true;
                    case "--scenario" -> scenarioName = value(args, ++i);
                    case "--duration" -> duration = io.touchpoint.simulate.SimulateCommand.duration(value(args, ++i));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            // A demo should look busy whatever the hour: daytime volume around the clock.
            scenario = Scenario.named(scenarioName).daytimeAllDay();
        } catch (IllegalArgumentException e) {
            err.println("touchpoint demo: " + e.getMessage());
            return 2;
        }

        Path dir = Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("demo");
        LocalKafka kafka = null;
        LocalInflux influx = null;
        try {
            deleteTree(dir);
            out.println("1/4 starting Kafka and InfluxDB on loopback (data in " + dir + ") ...");
            kafka = LocalKafka.start(dir.resolve("kafka"), 0);
            influx = LocalInflux.start(dir.resolve("influxdb"), 0, false);
            LocalInflux started = influx;
            // Ctrl-C skips the finally below; influxd is a child process and must not outlive us.
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-influxd"));
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.churn-risk", "cx.dead-letter");

            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            Instant start = end.minus(duration);
            out.printf("2/4 simulating %s of '%s' traffic (%s to %s) ...%n", human(duration), scenario.name(),
                    start, end);
            Simulator simulator = new Simulator(scenario, start, duration, seed);
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                    new Properties())) {
                while (simulator.hasNext()) {
                    publisher.publish(simulator.next());
                }
                publisher.flush();
                out.printf("    published %,d interactions and %,d surveys%n", publisher.interactions(),
                        publisher.surveys());
            }

            out.println("3/4 running the monitor job bounded (parallelism 2) ...");
            Configuration config = LocalRun.bounded(kafka.bootstrapServers(), influx.url(), DATABASE, 2);
            double seconds = LocalRun.execute(config);
            out.printf("    done in %.1f s%n", seconds);

            out.println("4/4 per-channel summary, read back from InfluxDB:");
            out.println();
            Summary.print(influx.url(), DATABASE, end.toEpochMilli(), config.get(MonitorOptions.TOPIC_INTERACTIONS),
                    config.get(MonitorOptions.TOPIC_SURVEYS), out);
            if (keep) {
                out.println();
                out.println("Kept running: Kafka " + kafka.bootstrapServers() + ", InfluxDB " + influx.url()
                        + " (database " + DATABASE + "). Ctrl-C stops them.");
                Thread.currentThread().join();
            }
            return 0;
        } catch (Exception e) {
            err.println("touchpoint demo: " + Touchpoint.oneLine(e));
            return 1;
        } finally {
            if (influx != null) {
                influx.stop();
            }
            if (kafka != null) {
                kafka.stop();
            }
        }
    }

    private static String human(Duration d) {
        return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
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
