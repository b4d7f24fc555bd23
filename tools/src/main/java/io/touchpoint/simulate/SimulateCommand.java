package io.touchpoint.simulate;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.cli.Cli;
import io.touchpoint.cli.ConnectionOptions;
import io.touchpoint.cli.Preflight;
import io.touchpoint.cli.Progress;
import io.touchpoint.cli.ProgressLine;
import io.touchpoint.cli.ScenarioNames;
import io.touchpoint.cli.Touchpoint;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.replay.JsonLines;
import io.touchpoint.replay.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code touchpoint simulate}: synthetic traffic to Kafka (or to a JSON Lines file). */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false, header = "publish realistic synthetic contact-centre traffic to Kafka",
        description = {
            "Realistic contact-centre traffic on every channel: conversations with bots, agents, reopens, abandonment "
                    + "and cancellations, and surveys. The same seed and period give the same traffic.",
            "With --speed max a progress line goes to stderr (in place on a terminal, else every 10 s)."})
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME|FILE", completionCandidates = ScenarioNames.class,
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}), or a scenario file "
                    + "(see tools/src/main/resources/scenarios/*.properties).")
    String scenarioName = "steady";

    @Option(names = "--speed", paramLabel = "X|max", description = "max: simulate the DURATION that ends now (or at "
            + "--end) and publish it at once. X: live, publish as it happens X times faster than real time, event "
            + "times = now, delays shrink by X (default: ${DEFAULT-VALUE}).")
    String speedText = "1";

    @Option(names = "--duration", paramLabel = "D", description = "e.g. 90m, 3h, 2d (default: 3h with --speed max "
            + "or --output, else 1h).")
    String durationText;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    String seedText = "1";

    @Option(names = "--scale", paramLabel = "X", description = "X times the steady volume of every channel, for big "
            + "centres (default: ${DEFAULT-VALUE}).")
    String scaleText = "1";

    @Option(names = "--output", paramLabel = "FILE.jsonl[.gz]", description = "Write JSON Lines (.gz: gzipped) "
            + "instead of publishing, for replay.")
    Path output;

    @Option(names = "--end", paramLabel = "INSTANT", description = "With --speed max or --output: the period ends "
            + "here (default: the current minute).")
    String endText;

    @Mixin
    ConnectionOptions.Kafka kafka;

    @Mixin
    ConnectionOptions.Config config;

    private final boolean terminal;

    public SimulateCommand(boolean terminal) {
        this.terminal = terminal;
    }

    /** {@code touchpoint simulate ARGS}, through the dispatcher so that help and errors name the full command. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Touchpoint.run("simulate", args, out, err);
    }

    @Override
    public Integer call() {
        Double speed;
        Duration duration;
        long seed;
        double scale;
        Instant end;
        Scenario scenario;
        Configuration settings = ConnectionOptions.load(config, kafka, null);
        try {
            speed = speed(speedText);
            duration = durationText == null ? null : duration(durationText);
            seed = seed(seedText);
            scale = scale(scaleText);
            end = endText == null ? null : instant(endText);
            scenario = Scenario.named(scenarioName);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        boolean maxSpeed = speed == null;
        if (end != null && !maxSpeed && output == null) {
            throw new Cli.BadInput("--end needs --speed max or --output (live traffic starts now)");
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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Simulator simulator = new Simulator(scenario, start, duration, seed, scale);
        if (output != null) {
            try {
                long n = JsonLines.write(output, simulator);
                out.println("wrote " + n + " records (" + scenario.name() + ", seed " + seed + ", " + start + " to "
                        + start.plus(duration) + ") to " + output);
                return Cli.OK;
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + output + ": " + e.getMessage());
            }
        }
        // an unreachable broker: nothing was published (exit 2)
        String bootstrap = settings.get(MonitorOptions.KAFKA_BOOTSTRAP);
        try {
            Preflight.requireKafka(bootstrap, MonitorConfig.kafkaClientProperties(settings));
        } catch (IllegalStateException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        try (Publisher publisher = new Publisher(bootstrap, settings.get(MonitorOptions.TOPIC_INTERACTIONS),
                settings.get(MonitorOptions.TOPIC_SURVEYS), MonitorConfig.kafkaClientProperties(settings))) {
            if (!maxSpeed) {
                out.println("simulating " + scenario.name() + " live at " + speed + "x for " + duration
                        + " (Ctrl-C stops)");
                out.flush();
            }
            ProgressLine progress = ProgressLine.progress(err, terminal);
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
            return Cli.OK;
        } catch (KafkaException e) {
            throw new IllegalStateException(e.getMessage());
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
