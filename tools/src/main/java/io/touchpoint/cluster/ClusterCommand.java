package io.touchpoint.cluster;

import io.touchpoint.cli.Cli;
import io.touchpoint.cli.Touchpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/touchpoint cluster up|down|status}: a Flink standalone session cluster on 127.0.0.1 whose JobManager
 * and TaskManagers are background JVMs that outlive the command (see {@link LocalCluster}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false,
        header = "up|down|status|busy: a Flink session cluster (JobManager, TaskManagers) on loopback",
        description = "A Flink standalone session cluster on 127.0.0.1: one JobManager and N TaskManagers, each a JVM.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done (status: the JobManager and every TaskManager are up)",
            "  1  failed (one line on stderr says why)", "  2  bad arguments", "  3  status: not everything is up"})
public final class ClusterCommand implements Callable<Integer> {

    static final int NOT_UP = 3;

    private static final List<String> ACTIONS = List.of("up", "down", "status", "busy");

    /** The actions, for completion. */
    static final class Actions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ACTIONS.iterator();
        }
    }

    @Parameters(arity = "0..*", paramLabel = "up|down|status|busy", completionCandidates = Actions.class,
            description = {
                "up      start the JobManager and the TaskManagers, wait until all are registered, print the web UI "
                        + "/ REST address (submit with: touchpoint run --cluster URL ...)",
                "down    stop the TaskManagers, then the JobManager (SIGTERM, SIGKILL after 20 s)",
                "status  show what runs; exit 0 when the JobManager and every TaskManager are up, 3 otherwise",
                "busy    busyTimeMsPerSecond of every subtask of every operator of the running job (or --job ID): a "
                        + "subtask far above its operator's mean carries a hot key"})
    List<String> actions = new ArrayList<>();

    @Option(names = "--dir", paramLabel = "DIR", description = "Configuration, logs, PID files, checkpoints/ and "
            + "savepoints/ (default: .stack/cluster).")
    Path dir;

    @Option(names = "--taskmanagers", paramLabel = "N", description = "TaskManager JVMs, 1 to 64 "
            + "(default: ${DEFAULT-VALUE}).")
    int taskManagers = 2;

    @Option(names = "--slots", paramLabel = "S", description = "Task slots per TaskManager, 1 to 256 "
            + "(default: ${DEFAULT-VALUE}).")
    int slots = 2;

    @Option(names = "--rest-port", paramLabel = "P", description = "REST and web UI port (default: ${DEFAULT-VALUE}).")
    int restPort = 8081;

    @Option(names = "--job", paramLabel = "ID", description = "busy: the job to look at (default: the one running).")
    String job;

    private final PrintStream out;
    private final PrintStream err;

    public ClusterCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        for (String a : actions) {
            if (!ACTIONS.contains(a)) {
                throw new Cli.BadInput("unknown action '" + a + "' (see touchpoint cluster --help)");
            }
        }
        if (actions.size() > 1) {
            throw new Cli.BadInput("one action only, got " + actions.get(0) + " and " + actions.get(1));
        }
        if (actions.isEmpty()) {
            throw new Cli.BadInput("say up, down, status or busy (see --help)");
        }
        String action = actions.get(0);
        range("--taskmanagers", taskManagers, 1, 64);
        range("--slots", slots, 1, 256);
        range("--rest-port", restPort, 1, 65535);
        Path home = Path.of(System.getProperty("touchpoint.home", "."));
        Path dir = this.dir != null ? this.dir : home.resolve(".stack").resolve("cluster");
        LocalCluster cluster = new LocalCluster(dir, home);
        try {
            switch (action) {
                case "up" -> {
                    if (cluster.jobManager().isPresent()) {
                        out.println("cluster is already up (" + cluster.dir() + ")");
                    } else {
                        cluster.start(taskManagers, slots, restPort, true);
                        out.println("cluster is up: web UI and REST at " + cluster.restUrl() + " (files in "
                                + cluster.dir() + ")");
                    }
                    return status(cluster, out);
                }
                case "down" -> {
                    cluster.stop().forEach(out::println);
                    return 0;
                }
                case "busy" -> {
                    busy(cluster.rest(), job == null ? runningJob(cluster.rest()) : job, out);
                    return 0;
                }
                default -> {
                    return status(cluster, out);
                }
            }
        } catch (IllegalStateException | IOException e) {
            err.println("touchpoint cluster " + action + ": " + e.getMessage());
            return 1;
        }
    }

    private static int status(LocalCluster cluster, PrintStream out) throws IOException {
        cluster.status().forEach(out::println);
        boolean up = cluster.jobManager().isPresent()
                && cluster.recordedTaskManagers().stream().allMatch(n -> cluster.taskManager(n).isPresent());
        return up ? 0 : NOT_UP;
    }

    /** One line per operator: the busy time of each subtask, and how far the busiest is above the mean. */
    private static void busy(FlinkRest rest, String job, PrintStream out) throws IOException {
        out.println("busyTimeMsPerSecond per subtask of job " + job);
        rest.subtaskMetric(job, "busyTimeMsPerSecond").forEach((vertex, values) -> {
            double sum = 0;
            double max = 0;
            StringBuilder each = new StringBuilder();
            for (double v : values) {
                sum += Double.isNaN(v) ? 0 : v;
                max = Math.max(max, Double.isNaN(v) ? 0 : v);
                each.append(String.format(" %5.0f", v));
            }
            double mean = sum / values.length;
            out.printf("%-60.60s%s   max/mean %s%n", vertex, each,
                    mean == 0 ? "-" : String.format("%.1f", max / mean));
        });
    }

    private static String runningJob(FlinkRest rest) throws IOException {
        java.util.List<String> running = rest.runningJobs();
        if (running.size() != 1) {
            throw new IllegalStateException(running.size() + " jobs are running: name one with --job ID");
        }
        return running.get(0);
    }

    private static void range(String flag, int n, int min, int max) {
        if (n < min || n > max) {
            throw new Cli.BadInput(flag + ": expected a number from " + min + " to " + max + ", got '" + n + "'");
        }
    }
}
