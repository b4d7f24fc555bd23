package io.touchpoint.cli;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the monitor job bounded in a local mini-cluster, as {@code demo} and {@code bench} do. */
final class LocalRun {

    private LocalRun() {}

    static Configuration bounded(String kafka, String influxUrl, String database, int parallelism) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka);
        config.set(MonitorOptions.INFLUX_URL, influxUrl);
        config.set(MonitorOptions.INFLUX_DATABASE, database);
        config.set(MonitorOptions.BOUNDED, true);
        config.set(MonitorOptions.PARALLELISM, parallelism);
        config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
        config.set(MonitorOptions.CHECKPOINT_DIR, defaultCheckpointDir());
        return config;
    }

    /** Local runs keep checkpoints under .stack/checkpoints of the checkout (git-ignored). */
    static String defaultCheckpointDir() {
        return java.nio.file.Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("checkpoints")
                .toAbsolutePath().normalize().toUri().toString();
    }

    /** Runs the job to its end and returns the wall-clock seconds it took. */
    static double execute(Configuration config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(MiniClusters.config());
        env.setParallelism(config.get(MonitorOptions.PARALLELISM));
        long started = System.nanoTime();
        MonitorMain.job(config).execute(env);
        return (System.nanoTime() - started) / 1e9;
    }
}
