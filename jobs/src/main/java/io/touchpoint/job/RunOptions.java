package io.touchpoint.job;

import io.touchpoint.cli.ConnectionOptions;
import io.touchpoint.config.MonitorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The monitor job's options, declared once for the three ways it starts: {@code bin/touchpoint run} mixes them in,
 * the job jar's main ({@link MonitorMain}, for {@code flink run}) mixes them in, and {@code run --cluster} hands
 * them to the jar as program arguments ({@link #programArguments}). Each sets the config key named in its
 * description, over the {@code --config} file.
 */
@Command(description = {
    "Runs the monitor job: reads cx.interactions and cx.surveys, writes metrics to InfluxDB and rejected records "
            + "to cx.dead-letter. Without --bounded it runs until stopped (live mode).",
    "Every setting is a key of README.md, section Configuration, in the --config file; the flags below set the "
            + "key they name, over the file. Secrets come from the environment (TOUCHPOINT_INFLUX_USER, "
            + "TOUCHPOINT_INFLUX_PASSWORD) or the file (influx.username, influx.password, kafka.client.sasl.*), "
            + "never from flags."})
public final class RunOptions {

    /** This mixin's own options (not the command's help and version), for {@link #programArguments}. */
    @Spec
    CommandSpec spec;

    @Option(names = "--bounded", description = "Read every topic from the earliest offset to the end offsets found "
            + "at start, then finish (mode.bounded; default: live, until stopped).")
    boolean bounded;

    @Mixin
    ConnectionOptions.Kafka kafka;

    @Mixin
    ConnectionOptions.Influx influx;

    @Mixin
    ConnectionOptions.Config config;

    @Option(names = "--parallelism", paramLabel = "N", description = "Parallel instances of each operator "
            + "(job.parallelism; default: job.parallelism of --config, else 2; the job jar under flink run without "
            + "either: flink's -p).")
    Integer parallelism;

    @Option(names = "--fresh", description = "Live: start with empty state on purpose; the earlier state of this "
            + "configuration is set aside, not deleted (state.fresh, which only this flag sets).")
    boolean fresh;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Live: where savepoints and retained "
            + "checkpoints are kept, one folder per configuration (state.dir; default: state.dir of --config, else "
            + ".stack/state).")
    String stateDir;

    /**
     * The job's configuration: the {@code --config} file, these flags over it, secrets from {@code env}.
     *
     * @throws IllegalArgumentException with a one-line reason for a bad value or config file
     */
    public Configuration configuration(Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        if (bounded) {
            flags.put(MonitorOptions.BOUNDED.key(), "true");
        }
        if (parallelism != null) {
            if (parallelism < 1) {
                throw new IllegalArgumentException("--parallelism takes a positive number, got '" + parallelism + "'");
            }
            flags.put(MonitorOptions.PARALLELISM.key(), Integer.toString(parallelism));
        }
        if (fresh) {
            flags.put(MonitorOptions.STATE_FRESH.key(), "true");
        }
        if (stateDir != null) {
            flags.put(MonitorOptions.STATE_DIR.key(), stateDir);
        }
        Configuration settings = ConnectionOptions.load(config, kafka, influx, flags, env);
        if (settings.get(MonitorOptions.STATE_FRESH) && !fresh) {
            // in a file it would throw the state away on every start, not once on purpose
            throw new IllegalArgumentException(MonitorOptions.STATE_FRESH.key() + " is set only by the --fresh flag");
        }
        validate(settings);
        return settings;
    }

    /** Malformed values of the file fail here, with the key, rather than when the job reads them. */
    private static void validate(Configuration settings) {
        try {
            for (ConfigOption<?> option : new ConfigOption<?>[] {
                MonitorOptions.OUT_OF_ORDERNESS, MonitorOptions.IDLENESS, MonitorOptions.LIVE_MAX_LAG,
                MonitorOptions.ALLOWED_LATENESS, MonitorOptions.FUTURE_TOLERANCE, MonitorOptions.CHECKPOINT_INTERVAL,
                MonitorOptions.MAX_TOUCHPOINTS, MonitorOptions.INFLUX_BATCH_SIZE, MonitorOptions.INFLUX_FLUSH_INTERVAL,
                MonitorOptions.INFLUX_GZIP, MonitorOptions.INFLUX_OVERLAP_WRITES, MonitorOptions.PARALLELISM,
                MonitorOptions.BOUNDED
            }) {
                settings.get(option);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage());
        }
        if (settings.get(MonitorOptions.MAX_TOUCHPOINTS) < 1) {
            throw new IllegalArgumentException(MonitorOptions.MAX_TOUCHPOINTS.key() + " must be at least 1");
        }
    }

    /**
     * The program arguments that give the job's main these same settings, for a job started elsewhere
     * ({@code run --cluster}): every option given, as its long name and value, read from the declarations above so
     * that a new option cannot be forgotten. A path becomes absolute, as the main does not run in this directory.
     */
    public List<String> programArguments() {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            Object value = option.getValue();
            if (value == null || Boolean.FALSE.equals(value)) {
                continue;
            }
            args.add(option.longestName());
            if (option.arity().max() > 0) {
                args.add(value instanceof Path path ? path.toAbsolutePath().normalize().toString() : value.toString());
            }
        }
        return args;
    }
}
