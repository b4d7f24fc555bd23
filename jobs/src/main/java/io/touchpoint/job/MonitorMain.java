package io.touchpoint.job;

import io.touchpoint.churn.ChurnSignals;
import io.touchpoint.cli.ProjectVersion;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
import io.touchpoint.ingest.KafkaInputs;
import io.touchpoint.ingest.RecordDecoder;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Main class of the job jar ({@code flink run JAR [OPTIONS]}): reads the options ({@link RunOptions}, the same as
 * {@code bin/touchpoint run}'s), wires the real Kafka sources, the InfluxDB sink and the dead-letter topic into
 * {@link MonitorJob}, and runs it. {@code bin/touchpoint run} runs the same job from {@link #job} in a local
 * mini-cluster.
 */
@Command(name = "touchpoint run", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        sortOptions = false, footerHeading = "%nExit codes (flink run JAR OPTIONS):%n",
        footer = {"  2  bad arguments or config file (one line on stderr says why)",
            "  otherwise flink run's own"})
public final class MonitorMain {

    static final int BAD_ARGUMENTS = 2;

    @Mixin
    RunOptions options;

    private MonitorMain() {}

    public static void main(String[] args) throws Exception {
        Parsed parsed = parse(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (parsed.config() == null) {
            if (parsed.exit() != 0) {
                System.exit(parsed.exit());
            }
            return;
        }
        Configuration config = parsed.config();
        // outside picocli: what Flink's client throws from execute() to capture the job graph must reach it as is
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // Unless given, the submitter's parallelism holds (flink run -p, a FlinkDeployment's job.parallelism), so
        // that a cluster can rescale the job without changing its arguments.
        if (config.contains(MonitorOptions.PARALLELISM)) {
            env.setParallelism(config.get(MonitorOptions.PARALLELISM));
        }
        job(config).execute(env);
    }

    /** What the arguments ask for: the job with this configuration, or (config null) to exit with this code. */
    record Parsed(Configuration config, int exit) {}

    /**
     * Reads the arguments; prints {@code --help} and {@code --version} to {@code out}, and a bad argument or config
     * file as one line to {@code err} (exit 2).
     */
    static Parsed parse(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new MonitorMain());
        cl.setOut(out);
        cl.setErr(err);
        String name = cl.getCommandName();
        try {
            if (CommandLine.printHelpIfRequested(cl.parseArgs(args))) {
                return new Parsed(null, 0);
            }
            return new Parsed(cl.<MonitorMain>getCommand().options.configuration(env), 0);
        } catch (CommandLine.ParameterException e) {
            err.println(name + ": " + e.getMessage() + " (see " + name + " --help)");
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
        }
        return new Parsed(null, BAD_ARGUMENTS);
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
}
