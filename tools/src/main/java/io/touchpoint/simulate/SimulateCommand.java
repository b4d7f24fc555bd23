package io.touchpoint.simulate;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.cli.Cli;
import io.touchpoint.cli.Preflight;
import io.touchpoint.cli.Progress;
import io.touchpoint.cli.ProgressLine;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.replay.JsonLines;
import io.touchpoint.replay.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.KafkaException;

/** {@code touchpoint simulate}: synthetic traffic to Kafka (or to a JSON Lines file). */
public final class SimulateCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint simulate [--scenario NAME|FILE] [--speed X|max] [--duration D] [--seed N] [--scale X]",
            "                           [--kafka HOST:PORT] [--config FILE] [--output FILE.jsonl[.gz]] [--end INSTANT]",
            "",
            "Realistic contact-centre traffic on every channel: conversations with bots, agents, reopens,",
            "abandonment and cancellations, and surveys. The same seed and period give the same traffic.",
            "  --scenario NAME   one of " + String.join(", ", Scenario.builtIn()) + " (default steady),",
            "                    or a scenario file (see tools/src/main/resources/scenarios/*.properties)",
            "  --speed max       simulate the DURATION that ends now (or at --end) and publish it at once, with a",
            "                    progress line on stderr (in place on a terminal, else every 10 s)",
            "  --speed X         live: publish as it happens, X times faster than real time, event times = now",
            "                    (default 1; delays shrink by X)",
            "  --duration D      e.g. 90m, 3h, 2d (default 3h with --speed max, else 1h)",
            "  --seed N          default 1",
            "  --scale X         X times the steady volume of every channel (default 1), for big centres",
            "  --output FILE     write JSON Lines (.gz: gzipped) instead of publishing, for replay",
            "  --end INSTANT     with --speed max or --output: the period ends here (default: the current minute)",
            "  --kafka H:P       default 127.0.0.1:9092; topics and client settings (SASL) come from --config");

    private SimulateCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String scenarioName = "steady";
        Double speed = 1.0;
        Duration duration = null;
        long seed = 1;
        double scale = 1;
        String kafka = null;
        Path configFile = null;
        Path output = null;
        Instant end = null;
        Scenario scenario;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--scenario" -> scenarioName = value(args, ++i, "--scenario");
                    case "--speed" -> speed = speed(value(args, ++i, "--speed"));
                    case "--duration" -> duration = duration(value(args, ++i, "--duration"));
                    case "--seed" -> seed = seed(value(args, ++i, "--seed"));
                    case "--scale" -> scale = scale(value(args, ++i, "--scale"));
                    case "--kafka" -> kafka = value(args, ++i, "--kafka");
                    case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                    case "--output" -> output = Path.of(value(args, ++i, "--output"));
                    case "--end" -> end = instant(value(args, ++i, "--end"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (configFile != null && !Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("cannot read config " + configFile + " (no such file)");
            }
            scenario = Scenario.named(scenarioName);
        } catch (IllegalArgumentException e) {
            err.println("touchpoint simulate: " + e.getMessage());
            return 2;
        }
        boolean maxSpeed = speed == null;
        if (end != null && !maxSpeed && output == null) {
            err.println("touchpoint simulate: --end needs --speed max or --output (live traffic starts now)");
            return 2;
        }
        if (duration == null) {
            duration = maxSpeed || output != null ? Duration.ofHours(3) : Duration.ofHours(1);
        }
        Instant start;
        if (maxSpeed || output != null) {
            Instant stop = end != null ? end : Instant.now().truncatedTo(ChronoUnit.MINUTES);
            start = stop.minus(duration);
        } else {
            start = Instant.now();
        }
        Simulator simulator = new Simulator(scenario, start, duration, seed, scale);
        if (output != null) {
            try {
                long n = JsonLines.write(output, simulator);
                out.println("wrote " + n + " records (" + scenario.name() + ", seed " + seed + ", " + start + " to "
                        + start.plus(duration) + ") to " + output);
                return 0;
            } catch (IOException e) {
                err.println("touchpoint simulate: cannot write " + output + ": " + e.getMessage());
                return 1;
            }
        }
        Configuration config;
        String bootstrap;
        try {
            config = MonitorConfig.load(configFile,
                    kafka == null ? Map.of() : Map.of(MonitorOptions.KAFKA_BOOTSTRAP.key(), kafka), System.getenv());
            bootstrap = config.get(MonitorOptions.KAFKA_BOOTSTRAP);
            Preflight.requireKafka(bootstrap, MonitorConfig.kafkaClientProperties(config));
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // a bad config file or an unreachable broker: nothing was published
            err.println("touchpoint simulate: " + e.getMessage());
            return 2;
        }
        try (Publisher publisher = new Publisher(bootstrap, config.get(MonitorOptions.TOPIC_INTERACTIONS),
                config.get(MonitorOptions.TOPIC_SURVEYS), MonitorConfig.kafkaClientProperties(config))) {
            if (!maxSpeed) {
                out.println("simulating " + scenario.name() + " live at " + speed + "x for " + duration
                        + " (Ctrl-C stops)");
            }
            ProgressLine progress = ProgressLine.progress(new PrintWriter(err, true), Cli.terminal(err));
            long started = System.nanoTime();
            long span = duration.toMillis();
            String spanText = Progress.human(duration) + " of event time";
            publish(simulator, publisher, maxSpeed ? 0 : speed, start.toEpochMilli(), !maxSpeed ? at -> { }
                    : at -> progress.update(() -> new Progress(at - start.toEpochMilli(), span,
                            publisher.interactions() + publisher.surveys(), Instant.ofEpochMilli(at),
                            Duration.ofNanos(System.nanoTime() - started)).describe("simulate", spanText)));
            publisher.flush();
            progress.finish();
            out.println("published " + publisher.interactions() + " interactions, " + publisher.surveys()
                    + " surveys (" + scenario.name() + ", seed " + seed
                    + (maxSpeed ? ", " + start + " to " + start.plus(duration) : ", live") + ") to " + bootstrap);
            return 0;
        } catch (IllegalStateException | KafkaException e) {
            err.println("touchpoint simulate: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * Publishes every record; with a speed, each at the wall-clock instant its simulated time maps to, and with
     * that instant as its event time, so the job sees live traffic whose delays are shortened by the speed.
     */
    public static void publish(Simulator simulator, Publisher publisher, double speed, long start)
            throws InterruptedException {
        publish(simulator, publisher, speed, start, at -> { });
    }

    /** @param published told the event time of each record published, for a progress line */
    static void publish(Simulator simulator, Publisher publisher, double speed, long start, LongConsumer published)
            throws InterruptedException {
        long wallStart = System.currentTimeMillis();
        while (simulator.hasNext()) {
            SpecificRecord record = simulator.next();
            if (speed > 0) {
                long simulated = occurredAt(record);
                long due = wallStart + (long) ((simulated - start) / speed);
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    publisher.flush();
                    Thread.sleep(wait);
                }
                setOccurredAt(record, Instant.ofEpochMilli(due));
            }
            publisher.publish(record);
            published.accept(occurredAt(record));
        }
    }

    private static long occurredAt(SpecificRecord record) {
        return record instanceof InteractionEvent e ? e.getOccurredAt().toEpochMilli()
                : ((SurveyResponse) record).getOccurredAt().toEpochMilli();
    }

    private static void setOccurredAt(SpecificRecord record, Instant at) {
        if (record instanceof InteractionEvent e) {
            e.setOccurredAt(at);
        } else {
            ((SurveyResponse) record).setOccurredAt(at);
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** null for {@code max}. */
    static Double speed(String value) {
        if (value.equalsIgnoreCase("max")) {
            return null;
        }
        try {
            double x = Double.parseDouble(value);
            if (x > 0 && Double.isFinite(x)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--speed takes a positive number or max, got '" + value + "'");
    }

    /** {@code 90s}, {@code 45m}, {@code 3h}, {@code 2d}, or ISO-8601 ({@code PT90M}). */
    public static Duration duration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return positive(switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            }, value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--duration takes e.g. 90m, 3h or 2d, got '" + value + "'");
        }
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, got '" + value + "'");
        }
        return d;
    }

    private static long seed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed takes a whole number, got '" + value + "'");
        }
    }

    private static double scale(String value) {
        try {
            double scale = Double.parseDouble(value);
            if (scale > 0 && scale <= 10_000) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--scale takes a number from above 0 to 10000, got '" + value + "'");
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--end takes an ISO-8601 instant like 2026-11-02T12:00:00Z");
        }
    }
}
