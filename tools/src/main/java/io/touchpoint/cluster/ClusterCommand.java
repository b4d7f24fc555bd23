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
            "usage: touchpoint cluster up|down|status [--dir DIR] [--taskmanagers N] [--slots S] [--rest-port P]",
            "",
            "A Flink standalone session cluster on 127.0.0.1: one JobManager and N TaskManagers, each a JVM.",
            "  up       start the JobManager and the TaskManagers, wait until all are registered, print the",
            "           web UI / REST address (submit with: touchpoint run --cluster URL ...)",
            "  down     stop the TaskManagers, then the JobManager (SIGTERM, SIGKILL after 20 s)",
            "  status   show what runs; exit 0 when the JobManager and every TaskManager are up, 3 otherwise",
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
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "up", "down", "status" -> {
                        if (action != null) {
                            throw new IllegalArgumentException("one action only, got " + action + " and " + args[i]);
                        }
                        action = args[i];
                    }
                    case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                    case "--taskmanagers" -> taskManagers = number(value(args, ++i, "--taskmanagers"), 1, 64);
                    case "--slots" -> slots = number(value(args, ++i, "--slots"), 1, 256);
                    case "--rest-port" -> restPort = number(value(args, ++i, "--rest-port"), 1, 65535);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (action == null) {
                throw new IllegalArgumentException("say up, down or status (see --help)");
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
