package io.touchpoint.job;

import io.touchpoint.churn.ChurnSignals;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
import io.touchpoint.ingest.KafkaInputs;
import io.touchpoint.ingest.RecordDecoder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar ({@code flink run}) and of {@code bin/touchpoint run}: reads the options, wires the
 * real Kafka sources, the InfluxDB sink and the dead-letter topic into {@link MonitorJob}, and runs it.
 */
public final class MonitorMain {

    static final String USAGE = String.join("\n",
            "usage: touchpoint run [--bounded] [--kafka HOST:PORT] [--influx URL] [--db NAME] [--config FILE]",
            "                      [--parallelism N] [--fresh] [--state-dir DIR]",
            "",
            "Runs the monitor job: reads cx.interactions and cx.surveys, writes metrics to InfluxDB and rejected",
            "records to cx.dead-letter. Without --bounded it runs until stopped (live mode): SIGTERM or Ctrl-C stops",
            "it with a savepoint, and the next start of the same configuration continues from the newest savepoint",
            "or retained checkpoint (after a crash).",
            "",
            "  --bounded         read every topic from the earliest offset to the end found at start, then finish",
            "  --kafka H:P       Kafka bootstrap servers (default 127.0.0.1:9092)",
            "  --influx URL      InfluxDB URL (default http://127.0.0.1:8086)",
            "  --db NAME         InfluxDB database (default touchpoint)",
            "  --config FILE     properties file with any key of README.md, section Configuration",
            "  --parallelism N   operator parallelism (default 2)",
            "  --fresh           live: start with empty state on purpose; the earlier state is set aside, not deleted",
            "  --state-dir DIR   live: where savepoints and retained checkpoints are kept (default .stack/state)",
            "",
            "Secrets come from the environment (TOUCHPOINT_INFLUX_USER, TOUCHPOINT_INFLUX_PASSWORD) or the",
            "properties file (influx.username, influx.password, kafka.client.sasl.*), never from flags.");

    private MonitorMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config;
        try {
            config = parse(args, System.getenv());
        } catch (HelpRequested e) {
            System.out.println(USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("touchpoint run: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Unless given, the submitter's parallelism holds (flink run -p, a FlinkDeployment's job.parallelism), so
        // that a cluster can rescale the job without changing its arguments.
        if (config.contains(MonitorOptions.PARALLELISM)) {
            env.setParallelism(config.get(MonitorOptions.PARALLELISM));
        }
        job(config).execute(env);
    }

    /** The job with its production sources and sinks. */
    public static MonitorJob job(Configuration config) {
        return new MonitorJob(
                config,
                KafkaInputs.source(config, RecordDecoder.Kind.INTERACTIONS),
                KafkaInputs.source(config, RecordDecoder.Kind.SURVEYS),
                new InfluxSink(InfluxSettings.from(config)),
                KafkaInputs.deadLetterSink(config),
                ChurnSignals.sink(config));
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    public static final class HelpRequested extends Exception {
        HelpRequested() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads the command line into a configuration.
     *
     * @throws IllegalArgumentException with a one-line reason for a bad argument
     */
    public static Configuration parse(String[] args, Map<String, String> env) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> throw new HelpRequested();
                case "--bounded" -> flags.put(MonitorOptions.BOUNDED.key(), "true");
                case "--kafka" -> flags.put(MonitorOptions.KAFKA_BOOTSTRAP.key(), hostPort(value(args, ++i, arg)));
                case "--influx" -> flags.put(MonitorOptions.INFLUX_URL.key(), url(value(args, ++i, arg)));
                case "--db" -> flags.put(MonitorOptions.INFLUX_DATABASE.key(), database(value(args, ++i, arg)));
                case "--parallelism" -> flags.put(MonitorOptions.PARALLELISM.key(), positive(value(args, ++i, arg), arg));
                case "--fresh" -> flags.put(MonitorOptions.STATE_FRESH.key(), "true");
                case "--state-dir" -> flags.put(MonitorOptions.STATE_DIR.key(), value(args, ++i, arg));
                case "--config" -> {
                    configFile = Path.of(value(args, ++i, arg));
                    if (!Files.isReadable(configFile)) {
                        throw new IllegalArgumentException("cannot read config file " + configFile);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "' (see --help)");
            }
        }
        Configuration config = MonitorConfig.load(configFile, flags, env);
        if (config.get(MonitorOptions.STATE_FRESH) && !flags.containsKey(MonitorOptions.STATE_FRESH.key())) {
            // in a file it would throw the state away on every start, not once on purpose
            throw new IllegalArgumentException(MonitorOptions.STATE_FRESH.key() + " is set only by the --fresh flag");
        }
        validate(config);
        return config;
    }

    private static void validate(Configuration config) {
        try {
            for (var option : new org.apache.flink.configuration.ConfigOption<?>[] {
                MonitorOptions.OUT_OF_ORDERNESS, MonitorOptions.IDLENESS, MonitorOptions.LIVE_MAX_LAG,
                MonitorOptions.ALLOWED_LATENESS, MonitorOptions.FUTURE_TOLERANCE, MonitorOptions.CHECKPOINT_INTERVAL,
                MonitorOptions.MAX_TOUCHPOINTS, MonitorOptions.INFLUX_BATCH_SIZE, MonitorOptions.INFLUX_FLUSH_INTERVAL,
                MonitorOptions.PARALLELISM, MonitorOptions.BOUNDED
            }) {
                config.get(option);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage());
        }
        if (config.get(MonitorOptions.MAX_TOUCHPOINTS) < 1) {
            throw new IllegalArgumentException("touchpoints.max-per-channel must be at least 1");
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    static String hostPort(String value) {
        for (String server : value.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new IllegalArgumentException("--kafka takes HOST:PORT, got '" + value + "'");
            }
            positive(server.substring(colon + 1), "--kafka port");
        }
        return value;
    }

    static String url(String value) {
        if (!value.matches("https?://[^\\s/]+(:\\d+)?/?")) {
            throw new IllegalArgumentException("--influx takes a URL like http://127.0.0.1:8086, got '" + value + "'");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    static String database(String value) {
        if (!value.matches("[A-Za-z0-9_\\-]{1,64}")) {
            throw new IllegalArgumentException("--db takes a name of letters, digits, '_' or '-', got '" + value + "'");
        }
        return value;
    }

    private static String positive(String value, String what) {
        try {
            if (Integer.parseInt(value) > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " takes a positive number, got '" + value + "'");
    }

    /** Prints the usage; for commands that show it on their own stream. */
    public static void usage(PrintStream out) {
        out.println(USAGE);
    }
}
