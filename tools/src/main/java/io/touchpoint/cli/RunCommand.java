package io.touchpoint.cli;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import java.io.PrintStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.LoggerFactory;

/** {@code touchpoint run}: the monitor job in a local Flink mini-cluster inside this JVM. */
public final class RunCommand {

    private RunCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Configuration config;
        try {
            config = MonitorMain.parse(args, System.getenv());
        } catch (MonitorMain.HelpRequested e) {
            MonitorMain.usage(out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("touchpoint run: " + Touchpoint.oneLine(e));
            return 2;
        }
        if (config.getOptional(MonitorOptions.CHECKPOINT_DIR).isEmpty()) {
            config.set(MonitorOptions.CHECKPOINT_DIR, LocalRun.defaultCheckpointDir());
        }
        try {
            Preflight.requireKafka(config.get(MonitorOptions.KAFKA_BOOTSTRAP), MonitorConfig.kafkaClientProperties(config));
            Preflight.requireInflux(config.get(MonitorOptions.INFLUX_URL));
            Preflight.requireCredentials(config);
            Preflight.retentionNotice(config).ifPresent(line -> err.println("touchpoint run: " + line));
        } catch (IllegalStateException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 1;
        }
        boolean bounded = config.get(MonitorOptions.BOUNDED);
        out.println("touchpoint run: " + (bounded ? "bounded" : "live") + " job reading "
                + config.get(MonitorOptions.KAFKA_BOOTSTRAP) + ", writing " + config.get(MonitorOptions.INFLUX_URL)
                + "/" + config.get(MonitorOptions.INFLUX_DATABASE) + (bounded ? "" : " (Ctrl-C stops it)"));
        try {
            // the mini-cluster loads RunMetrics' reporter, which the live status line reads
            Configuration local = new Configuration();
            local.setString(RunMetrics.REPORTER_KEY, RunMetrics.Factory.class.getName());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(local);
            env.setParallelism(config.get(MonitorOptions.PARALLELISM));
            long started = System.currentTimeMillis();
            // the InfluxDB sink says itself when InfluxDB goes away; the Kafka source retries silently, so we watch
            try (KafkaWatch watch = new KafkaWatch(config.get(MonitorOptions.KAFKA_BOOTSTRAP),
                    MonitorConfig.kafkaClientProperties(config), LoggerFactory.getLogger(KafkaWatch.class)::warn)
                    .start(KafkaWatch.PERIOD);
                    RunStatus status = new RunStatus(new java.io.PrintWriter(out, true))) {
                if (!bounded) {
                    status.start();
                } else {
                    status.startProgress(ProgressLine.progress(new java.io.PrintWriter(err, true), Cli.terminal(err)),
                            RunStatus.recordsToRead(config.get(MonitorOptions.KAFKA_BOOTSTRAP),
                                    MonitorConfig.kafkaClientProperties(config),
                                    java.util.List.of(config.get(MonitorOptions.TOPIC_INTERACTIONS),
                                            config.get(MonitorOptions.TOPIC_SURVEYS))));
                }
                MonitorMain.job(config).execute(env);
            }
            out.printf("touchpoint run: finished in %.1f s%n", (System.currentTimeMillis() - started) / 1000.0);
            return 0;
        } catch (Exception e) {
            err.println("touchpoint run: job failed: " + Touchpoint.oneLine(e));
            return 1;
        }
    }
}
