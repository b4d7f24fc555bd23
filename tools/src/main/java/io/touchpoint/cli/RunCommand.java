package io.touchpoint.cli;

import io.touchpoint.cluster.ClusterSubmit;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.RunOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code touchpoint run}: the monitor job in a local Flink mini-cluster inside this JVM, or with {@code --cluster URL}
 * submitted to a Flink cluster ({@link ClusterSubmit}). The job's options are {@link RunOptions}, the same
 * declarations the job jar's main takes.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false,
        header = "run the monitor job in a local Flink mini-cluster (live, or --bounded), or submit it to a Flink "
                + "cluster with --cluster URL",
        footerHeading = "%nLive mode:%n",
        footer = {"SIGTERM or Ctrl-C stops the job with a savepoint; the next start of the same configuration "
                + "continues from the newest savepoint, or from the newest retained checkpoint after a crash. A second "
                + "signal while the savepoint is taken cancels at once.",
            "",
            "Exit codes:",
            "  0    done: finished (--bounded), stopped with a savepoint (live), submitted",
            "  1    failed, one line on stderr says why: Kafka or InfluxDB not reachable",
            "       at start, a state that cannot be restored, the job or the upload failed",
            "  2    bad arguments or config file",
            "  130  live: a second signal cancelled the job without a savepoint (the",
            "       newest checkpoint is retained)"})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    RunOptions job;

    @ArgGroup(exclusive = false, heading = "%nOn a Flink cluster (the options above become the job's program "
            + "arguments):%n")
    ClusterSubmit.Options cluster;

    private final PrintStream out;
    private final PrintStream err;

    public RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code touchpoint run ARGS}, through the dispatcher so that help and errors name the full command. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Touchpoint.run("run", args, out, err);
    }

    @Override
    public Integer call() {
        if (cluster != null) {
            return ClusterSubmit.submit(cluster, job, out, err);
        }
        Configuration config = job.configuration(System.getenv());
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
