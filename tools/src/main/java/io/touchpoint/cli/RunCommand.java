package io.touchpoint.cli;

import io.touchpoint.cluster.ClusterSubmit;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code touchpoint run}: the monitor job in a local Flink mini-cluster inside this JVM, or with {@code --cluster URL}
 * submitted to a Flink cluster ({@link ClusterSubmit}).
 */
public final class RunCommand {

    private RunCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (ClusterSubmit.requested(args)) {
            return ClusterSubmit.run(args, out, err);
        }
        Configuration config;
        try {
            config = MonitorMain.parse(args, System.getenv());
        } catch (MonitorMain.HelpRequested e) {
            MonitorMain.usage(out);
            ClusterSubmit.usage(out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("touchpoint run: " + Touchpoint.oneLine(e));
            return 2;
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
                + "/" + config.get(MonitorOptions.INFLUX_DATABASE)
                + (bounded ? "" : " (Ctrl-C or SIGTERM stops it with a savepoint)"));
        return bounded ? runBounded(config, out, err) : runLive(config, out, err);
    }

    /** A replay computes everything again from the earliest offset, so it needs no state from an earlier run. */
    private static int runBounded(Configuration config, PrintStream out, PrintStream err) {
        if (config.getOptional(MonitorOptions.CHECKPOINT_DIR).isEmpty()) {
            config.set(MonitorOptions.CHECKPOINT_DIR, LocalRun.defaultCheckpointDir());
        }
        try (KafkaWatch watch = kafkaWatch(config);
                RunStatus progress = new RunStatus(new PrintWriter(out, true)).startProgress(
                        // on stdout with run's other lines; stderr is for what went wrong
                        ProgressLine.progress(new PrintWriter(out, true), Cli.terminal(out)),
                        RunStatus.recordsToRead(config.get(MonitorOptions.KAFKA_BOOTSTRAP),
                                MonitorConfig.kafkaClientProperties(config),
                                List.of(config.get(MonitorOptions.TOPIC_INTERACTIONS),
                                        config.get(MonitorOptions.TOPIC_SURVEYS))))) {
            double seconds = LocalRun.execute(config);
            progress.close();
            out.printf("touchpoint run: finished in %.1f s%n", seconds);
            return 0;
        } catch (Exception e) {
            err.println("touchpoint run: job failed: " + Touchpoint.oneLine(e));
            return 1;
        }
    }

    /**
     * Runs until SIGTERM or Ctrl-C, which stop the job with a savepoint (exit 0); a second signal while that is
     * under way cancels at once (the newest checkpoint is retained; exit 130). A state that cannot be restored
     * ends the run before anything is processed (exit 1).
     */
    private static int runLive(Configuration config, PrintStream out, PrintStream err) {
        // Handlers go in before the job starts: a signal during the start stops the run once the job is up.
        AtomicReference<LiveRun> started = new AtomicReference<>();
        AtomicBoolean stopRequested = new AtomicBoolean();
        AtomicInteger exit = new AtomicInteger(0);
        SignalHandler handler = signal -> {
            boolean second = stopRequested.getAndSet(true);
            LiveRun run = started.get();
            if (run == null) {
                if (second) {
                    // nothing runs yet, so nothing is lost: the state directory is as the last run left it
                    err.println("touchpoint run: second " + signal.getName() + " before the job was up: exiting");
                    Runtime.getRuntime().halt(130);
                }
                return;
            }
            if (second) {
                err.println("touchpoint run: second " + signal.getName() + ": cancelling without a savepoint; "
                        + "the next start restores the newest retained checkpoint");
                exit.set(130);
                cancelQuietly(run, err);
            } else {
                stop(run, exit, err);
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        try {
            started.set(LiveRun.start(config, out));
        } catch (LiveRun.StateNotRestorable | IllegalStateException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("touchpoint run: job failed to start: " + Touchpoint.oneLine(e));
            return 1;
        }
        try (LiveRun run = started.get();
                KafkaWatch watch = kafkaWatch(config);
                RunStatus status = new RunStatus(new PrintWriter(out, true)).start()) {
            if (stopRequested.get()) {
                stop(run, exit, err);
            }
            JobResult result = run.await();
            if (!run.stopping()) {
                err.println("touchpoint run: job failed: " + result.getSerializedThrowable()
                        .map(Touchpoint::oneLine).orElse("ended as " + result.getApplicationStatus()));
                return 1;
            }
            return exit.get();
        } catch (Exception e) {
            err.println("touchpoint run: " + Touchpoint.oneLine(e));
            return 1;
        }
    }

    /** The InfluxDB sink says itself when InfluxDB goes away; the Kafka source retries silently, so we watch. */
    private static KafkaWatch kafkaWatch(Configuration config) {
        return new KafkaWatch(config.get(MonitorOptions.KAFKA_BOOTSTRAP), MonitorConfig.kafkaClientProperties(config),
                LoggerFactory.getLogger(KafkaWatch.class)::warn).start(KafkaWatch.PERIOD);
    }

    private static void stop(LiveRun run, AtomicInteger exit, PrintStream err) {
        try {
            run.stop();
        } catch (Exception e) {
            err.println("touchpoint run: " + e.getMessage());
            exit.compareAndSet(0, 1);
        }
    }

    private static void cancelQuietly(LiveRun run, PrintStream err) {
        try {
            run.cancel();
        } catch (Exception e) {
            err.println("touchpoint run: cancel failed: " + Touchpoint.oneLine(e));
        }
    }
}
