package io.touchpoint.cli;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * The options several commands share, declared once: {@code --config}, {@code --kafka}, {@code --influx} and
 * {@code --db}, as picocli mixins (a command mixes in the ones it uses), and the one way they become a
 * configuration: the file, then the flags, then secrets from the environment ({@link MonitorConfig}). In the jobs
 * module, because the job jar's own main ({@code flink run}) takes them too.
 */
public final class ConnectionOptions {

    private ConnectionOptions() {}

    /** {@code --config FILE}. */
    public static final class Config {
        @Option(names = "--config", paramLabel = "FILE", description = "Properties file with any key of README.md, "
                + "section Configuration (topics, Kafka client and InfluxDB settings); secrets only there or in the "
                + "environment, never as flags.")
        Path file;
    }

    /** {@code --kafka HOST:PORT}. */
    public static final class Kafka {
        @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Kafka brokers "
                + "(default: kafka.bootstrap-servers of --config, else 127.0.0.1:9092).")
        String bootstrap;
    }

    /** {@code --influx URL --db NAME}. */
    public static final class Influx {
        @Option(names = "--influx", paramLabel = "URL", description = "InfluxDB's HTTP API (default: influx.url "
                + "of --config, else http://127.0.0.1:8086).")
        String url;

        @Option(names = "--db", paramLabel = "NAME", description = "InfluxDB database (default: influx.database of "
                + "--config, else touchpoint).")
        String database;
    }

    /**
     * The configuration these options give (any of them may be null: not mixed in).
     *
     * @throws IllegalArgumentException when a flag's value is malformed or the config file cannot be read (the
     *     commands' error handler, {@code Cli}, makes it one line and exit 2)
     */
    public static Configuration load(Config config, Kafka kafka, Influx influx) {
        return load(config, kafka, influx, Map.of(), System.getenv());
    }

    /**
     * The same, with a command's own flags (config keys to values) over the file, and the given environment.
     *
     * @throws IllegalArgumentException when a flag's value is malformed or the config file cannot be read
     */
    public static Configuration load(Config config, Kafka kafka, Influx influx, Map<String, String> commandFlags,
            Map<String, String> env) {
        Map<String, String> flags = new HashMap<>(commandFlags);
        if (kafka != null && kafka.bootstrap != null) {
            flags.put(MonitorOptions.KAFKA_BOOTSTRAP.key(), hostPort(kafka.bootstrap));
        }
        if (influx != null && influx.url != null) {
            flags.put(MonitorOptions.INFLUX_URL.key(), url(influx.url));
        }
        if (influx != null && influx.database != null) {
            flags.put(MonitorOptions.INFLUX_DATABASE.key(), database(influx.database));
        }
        Path file = config == null ? null : config.file;
        if (file != null && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("cannot read config " + file + " (no such file)");
        }
        try {
            return MonitorConfig.load(file, flags, env);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage());
        }
    }

    private static String hostPort(String value) {
        for (String server : value.split(",")) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1 || !positive(server.substring(colon + 1))) {
                throw new IllegalArgumentException("--kafka takes HOST:PORT, got '" + value + "'");
            }
        }
        return value;
    }

    private static String url(String value) {
        if (!value.matches("https?://[^\\s/]+(:\\d+)?/?")) {
            throw new IllegalArgumentException("--influx takes a URL like http://127.0.0.1:8086, got '" + value + "'");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String database(String value) {
        if (!value.matches("[A-Za-z0-9_\\-]{1,64}")) {
            throw new IllegalArgumentException("--db takes a name of letters, digits, '_' or '-', got '" + value + "'");
        }
        return value;
    }

    private static boolean positive(String number) {
        try {
            return Integer.parseInt(number) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
