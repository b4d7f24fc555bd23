package io.touchpoint.cluster;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;

/**
 * {@code touchpoint run --cluster URL [--from-savepoint PATH] [--jar FILE] [run options]}: submits the shaded job jar
 * to a running Flink 2.x cluster over REST, as {@code flink run -d} does — upload the jar, run it with the job's
 * options as program arguments — and prints the job id. The options are checked here first, so a typo fails
 * before anything is uploaded. The job's {@code main} runs inside the JobManager: a {@code --config} file must be
 * readable there (always so for {@code touchpoint cluster up}), and secrets must come from that file or the
 * cluster's environment, not this shell's.
 */
public final class ClusterSubmit {

    private ClusterSubmit() {}

    /** The lines {@code run --help} adds for a cluster. */
    public static void usage(PrintStream out) {
        out.println(String.join("\n",
                "",
                "On a Flink cluster (the options above become the job's program arguments):",
                "  --cluster URL          upload jobs/target/*-job.jar to the cluster's REST API (bin/touchpoint cluster",
                "                         up: http://127.0.0.1:8081), run it at job.parallelism, print the job id",
                "  --from-savepoint PATH  start from this savepoint or retained checkpoint",
                "  --jar FILE             submit this jar instead"));
    }

    /** Whether the {@code run} arguments ask for a cluster. */
    public static boolean requested(String[] args) {
        return List.of(args).contains("--cluster");
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String url = null;
        String savepoint = null;
        Path jar = null;
        List<String> jobArgs = new ArrayList<>();
        Configuration config;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--cluster" -> url = value(args, ++i, "--cluster");
                    case "--from-savepoint" -> savepoint = value(args, ++i, "--from-savepoint");
                    case "--jar" -> jar = Path.of(value(args, ++i, "--jar"));
                    case "--config" -> {
                        jobArgs.add(args[i]);
                        jobArgs.add(Path.of(value(args, ++i, "--config")).toAbsolutePath().normalize().toString());
                    }
                    default -> jobArgs.add(args[i]);
                }
            }
            if (!url.matches("https?://[^\\s/]+(:\\d+)?/?")) {
                throw new IllegalArgumentException("--cluster takes the REST URL, e.g. http://127.0.0.1:8081");
            }
            config = MonitorMain.parse(jobArgs.toArray(String[]::new), System.getenv());
            if (jar == null) {
                jar = defaultJarUnder(Path.of(System.getProperty("touchpoint.home", ".")));
            } else if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no job jar at " + jar);
            }
        } catch (MonitorMain.HelpRequested e) {
            MonitorMain.usage(out);
            usage(out);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("touchpoint run: " + e.getMessage());
            return 2;
        }
        if (System.getenv().containsKey(MonitorConfig.ENV_INFLUX_USER)
                || System.getenv().containsKey(MonitorConfig.ENV_INFLUX_PASSWORD)) {
            err.println("touchpoint run: note: TOUCHPOINT_INFLUX_* in this shell do not reach the cluster; "
                    + "put the credentials in the --config file or the cluster's environment");
        }
        try {
            FlinkRest rest = new FlinkRest(url);
            String jarId = rest.uploadJar(jar);
            int parallelism = config.get(MonitorOptions.PARALLELISM);
            String jobId = rest.runJar(jarId, MonitorMain.class.getName(), parallelism, jobArgs, savepoint);
            out.println("touchpoint run: submitted " + jar.getFileName() + " to " + rest.url() + " at parallelism "
                    + parallelism + (savepoint == null ? "" : " from " + savepoint));
            out.println("job id " + jobId + "  (" + rest.url() + "/#/job/running/" + jobId + "/overview)");
            return 0;
        } catch (IOException e) {
            err.println("touchpoint run: " + e.getMessage());
            return 1;
        }
    }

    /** The shaded job jar built by {@code mvn package} in checkout {@code home}: {@code jobs/target/touchpoint-jobs-*-job.jar}. */
    static Path defaultJarUnder(Path home) throws IOException {
        Path target = home.resolve("jobs/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(p -> p.getFileName().toString().matches("touchpoint-jobs-.*-job\\.jar"))
                        .toList();
                if (jars.size() == 1) {
                    return jars.get(0);
                }
            }
        }
        throw new IllegalStateException("no single job jar in " + target.toAbsolutePath().normalize()
                + ": build it with mvn -B -DskipTests package, or name one with --jar");
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
