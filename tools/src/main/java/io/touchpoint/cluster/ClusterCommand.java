package io.touchpoint.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bin/touchpoint cluster up|down|status}: a Flink standalone session cluster on 127.0.0.1 whose JobManager
 * and TaskManagers are background JVMs that outlive the command (see {@link LocalCluster}).
 */
public final class ClusterCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint cluster up|down|status|busy [--dir DIR] [--taskmanagers N] [--slots S] [--rest-port P]",
            "                                              [--job ID]",
            "",
            "A Flink standalone session cluster on 127.0.0.1: one JobManager and N TaskManagers, each a JVM.",
            "  up       start the JobManager and the TaskManagers, wait until all are registered, print the",
            "           web UI / REST address (submit with: touchpoint run --cluster URL ...)",
            "  down     stop the TaskManagers, then the JobManager (SIGTERM, SIGKILL after 20 s)",
            "  status   show what runs; exit 0 when the JobManager and every TaskManager are up, 3 otherwise",
            "  busy     busyTimeMsPerSecond of every subtask of every operator of the running job (or --job ID):",
            "           a subtask far above its operator's mean carries a hot key",
            "  --dir DIR          configuration, logs, PID files, checkpoints/ and savepoints/ (default .stack/cluster)",
            "  --taskmanagers N   TaskManager JVMs (default 2)",
            "  --slots S          task slots per TaskManager (default 2)",
            "  --rest-port P      REST and web UI port (default 8081)");

    static final int NOT_UP = 3;

    private ClusterCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String action = null;
        Path dir = Path.of(System.getProperty("touchpoint.home", ".")).resolve(".stack").resolve("cluster");
        int taskManagers = 2;
        int slots = 2;
        int restPort = 8081;
        String job = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "up", "down", "status", "busy" -> {
                        if (action != null) {
                            throw new IllegalArgumentException("one action only, got " + action + " and " + args[i]);
                        }
                        action = args[i];
                    }
                    case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                    case "--taskmanagers" -> taskManagers = number(value(args, ++i, "--taskmanagers"), 1, 64);
                    case "--slots" -> slots = number(value(args, ++i, "--slots"), 1, 256);
                    case "--rest-port" -> restPort = number(value(args, ++i, "--rest-port"), 1, 65535);
                    case "--job" -> job = value(args, ++i, "--job");
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (action == null) {
                throw new IllegalArgumentException("say up, down, status or busy (see --help)");
            }
        } catch (IllegalArgumentException e) {
            err.println("touchpoint cluster: " + e.getMessage());
            return 2;
        }
        LocalCluster cluster = new LocalCluster(dir, Path.of(System.getProperty("touchpoint.home", ".")));
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

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int number(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a number from " + min + " to " + max + ", got '" + value + "'");
    }
}
