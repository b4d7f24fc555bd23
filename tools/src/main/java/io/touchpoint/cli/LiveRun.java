package io.touchpoint.cli;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.job.StateDirectory;
import io.touchpoint.job.StateDirectory.Snapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The live monitor job in a mini-cluster inside this JVM, continuing where the previous run of the same
 * configuration stopped: it restores the newest savepoint or retained checkpoint of its {@link StateDirectory}
 * (unless {@code --fresh}), and {@link #stop()} — what SIGTERM and Ctrl-C call — ends it with a savepoint there.
 *
 * <p>A restore that fails (a state type changed in an upgrade, a damaged file) would make Flink restart the job
 * forever; instead the run watches the restored job until every task is running and, if a task fails before
 * that, cancels it and reports {@link StateNotRestorable}. The snapshot is left as it was (restored without
 * claiming it), so rolling back to the version that wrote it still works.
 */
final class LiveRun implements AutoCloseable {

    /** How long a stop may take to write its savepoint before the job is cancelled instead. */
    private static final long STOP_TIMEOUT_SECONDS = 120;

    private final MiniCluster cluster;
    private final StateDirectory state;
    private final JobID job;
    private final PrintStream out;
    private volatile boolean stopping;

    private LiveRun(MiniCluster cluster, StateDirectory state, JobID job, PrintStream out) {
        this.cluster = cluster;
        this.state = state;
        this.job = job;
        this.out = out;
    }

    /** The restore of a snapshot failed; the message names the snapshot, the cause and the choices. */
    static final class StateNotRestorable extends Exception {
        StateNotRestorable(String message) {
            super(message, null, false, false);
        }
    }

    /** Where live runs keep their state when {@code state.dir} is not set: .stack/state of the checkout. */
    static Path defaultStateDir() {
        return Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("state")
                .toAbsolutePath().normalize();
    }

    /**
     * Starts the live job, restored from the newest snapshot of its configuration unless {@code state.fresh}, and
     * returns once its tasks run. Prints one line saying what it restored (or that it starts empty).
     */
    static LiveRun start(Configuration config, PrintStream out) throws Exception {
        Path base = config.getOptional(MonitorOptions.STATE_DIR).map(Path::of).orElseGet(LiveRun::defaultStateDir);
        StateDirectory state = StateDirectory.open(base, config);
        MiniCluster cluster = null;
        try {
            Optional<Snapshot> restore = Optional.empty();
            if (config.get(MonitorOptions.STATE_FRESH)) {
                Optional<Path> aside = state.setAside();
                out.println("touchpoint run: --fresh: starting with empty state, reading on from the consumer group's "
                        + "committed offsets" + aside.map(p -> "; the earlier state was moved to " + p).orElse(""));
            } else {
                restore = state.newest();
                if (restore.isEmpty()) {
                    refuseIfTheGroupReadBefore(config, state);
                }
                state.prune(restore.orElse(null));
                out.println(restore.map(s -> "touchpoint run: restoring the " + s.describe())
                        .orElse("touchpoint run: no earlier state of this configuration in " + state.root()
                                + ": starting empty"));
            }
            Configuration job = new Configuration(config);
            job.set(MonitorOptions.CHECKPOINT_DIR, state.checkpoints().toUri().toString());
            int parallelism = config.get(MonitorOptions.PARALLELISM);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            MonitorMain.job(job).build(env);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("touchpoint-monitor");
            restore.ifPresent(s -> graph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(s.dir().toUri().toString(), false, RecoveryClaimMode.NO_CLAIM)));

            cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(clusterConfig())
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(parallelism)
                    .build());
            cluster.start();
            JobID id = cluster.submitJob(graph).get().getJobID();
            LiveRun run = new LiveRun(cluster, state, id, out);
            run.awaitRunning(restore.orElse(null));
            return run;
        } catch (Exception | Error e) {
            if (cluster != null) {
                cluster.closeAsync().get(60, TimeUnit.SECONDS);
            }
            state.close();
            throw e;
        }
    }

    /**
     * Offsets come from the restored state, never from the consumer group alone: a group that has read the topics
     * before while no state is here means the state was lost or is elsewhere, and starting at its offsets with empty
     * windows would corrupt up to an hour of points without a word.
     */
    private static void refuseIfTheGroupReadBefore(Configuration config, StateDirectory state) throws Exception {
        Properties props = MonitorConfig.kafkaClientProperties(config);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(MonitorOptions.KAFKA_BOOTSTRAP));
        String group = config.get(MonitorOptions.KAFKA_GROUP_ID);
        List<String> topics = List.of(config.get(MonitorOptions.TOPIC_INTERACTIONS), config.get(MonitorOptions.TOPIC_SURVEYS));
        try (Admin admin = Admin.create(props)) {
            boolean readBefore = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).keySet().stream().anyMatch(p -> topics.contains(p.topic()));
            if (readBefore) {
                throw new IllegalStateException("consumer group '" + group + "' has read these topics before, but no "
                        + "savepoint or checkpoint of this configuration is in " + state.root() + " (was state.dir "
                        + "changed or deleted?); point --state-dir at the state, or start with --fresh to go on from "
                        + "the group's offsets with empty state on purpose");
            }
        }
    }

    private static Configuration clusterConfig() {
        Configuration cluster = MiniClusters.config();
        // the mini-cluster's REST endpoint on a free loopback port, so runs of several configurations can coexist
        cluster.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        cluster.set(RestOptions.ADDRESS, "127.0.0.1");
        cluster.set(RestOptions.BIND_PORT, "0");
        return cluster;
    }

    /**
     * Returns once every task runs, so that a stop can take a savepoint. A restored job that fails before that could
     * not restore its state: it is cancelled and reported. A job started empty is left to Flink's restarts.
     */
    private void awaitRunning(Snapshot restored) throws Exception {
        while (true) {
            JobStatus status = cluster.getJobStatus(job).get();
            if (status.isGloballyTerminalState()) {
                Throwable failure = cluster.requestJobResult(job).get().getSerializedThrowable()
                        .map(Throwable.class::cast).orElse(new IllegalStateException("the job ended as " + status));
                if (restored != null) {
                    throw notRestorable(restored, failure);
                }
                throw new IllegalStateException("job failed to start: " + Touchpoint.oneLine(failure));
            }
            if (status == JobStatus.INITIALIZING) {
                Thread.sleep(100);
                continue;
            }
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
            ErrorInfo failure = graph.getFailureInfo();
            if (failure != null && restored != null) {
                cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
                cluster.requestJobResult(job).get(60, TimeUnit.SECONDS);
                throw notRestorable(restored, failure.getException());
            }
            boolean allRunning = status == JobStatus.RUNNING;
            for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
                allRunning &= vertex.getExecutionState() == ExecutionState.RUNNING;
            }
            if (allRunning) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static StateNotRestorable notRestorable(Snapshot snapshot, Throwable cause) {
        return new StateNotRestorable("cannot restore the " + snapshot.describe() + ": " + reason(cause)
                + ". Choose one: roll back to the version that wrote it; migrate the state (docs/reliability.md, "
                + "\"Stopping, restarting and upgrading\"); or start empty with --fresh (sets this state aside)");
    }

    /** Flink's own account of what it could not restore (which operator), and the root cause. */
    private static String reason(Throwable failure) {
        String restoring = null;
        Throwable root = failure;
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("restore")) {
                restoring = message.split("\n", 2)[0];
            }
            root = t;
        }
        // a failure from the cluster arrives as a SerializedThrowable whose message is the original's toString()
        String rootText = root instanceof org.apache.flink.util.SerializedThrowable && root.getMessage() != null
                ? root.getMessage() : root.toString();
        rootText = rootText.split("\n", 2)[0];
        return restoring == null || restoring.equals(rootText) ? rootText : restoring + " (" + rootText + ")";
    }

    /**
     * Stops the job with a savepoint in the state directory and prints where it is; what SIGTERM and Ctrl-C do.
     * Returns the savepoint's path, or null when the job had already ended. If no savepoint can be taken, the job is
     * cancelled — its newest checkpoint is retained — and the exception says so.
     */
    String stop() throws Exception {
        synchronized (this) {
            if (stopping) {
                return null;
            }
            stopping = true;
        }
        if (cluster.getJobStatus(job).get().isTerminalState()) {
            return null;
        }
        out.println("touchpoint run: stopping with a savepoint...");
        String path;
        try {
            path = cluster.stopWithSavepoint(job, state.savepoints().toUri().toString(), false,
                    SavepointFormatType.CANONICAL).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            cancel();
            throw new IllegalStateException("no savepoint could be taken (" + Touchpoint.oneLine(e) + "); the job was "
                    + "cancelled and the next start restores its newest retained checkpoint", e);
        }
        out.println("touchpoint run: stopped; savepoint at " + Path.of(java.net.URI.create(path))
                + " (the next start of this configuration continues from it)");
        return path;
    }

    /** Cancels the job without a savepoint: its newest checkpoint is retained for the next start. */
    void cancel() throws Exception {
        cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
    }

    /** Waits until the job has ended; returns its result (failed, or stopped / cancelled). */
    JobResult await() throws Exception {
        return cluster.requestJobResult(job).get();
    }

    boolean stopping() {
        return stopping;
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.closeAsync().get(60, TimeUnit.SECONDS);
        } finally {
            state.close();
        }
    }
}
