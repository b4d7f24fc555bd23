package io.touchpoint.cluster;

import io.touchpoint.cli.Cli;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.job.RunOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code touchpoint run --cluster URL [--from-savepoint PATH] [--jar FILE] [run options]}: submits the shaded job jar
 * to a running Flink 2.x cluster over REST, as {@code flink run -d} does — upload the jar, run it with the job's
 * options ({@link RunOptions#programArguments}) as program arguments — and prints the job id. The options are checked
 * here first, so a typo fails before anything is uploaded. The job's {@code main} runs inside the JobManager: a
 * {@code --config} file must be readable there (always so for {@code touchpoint cluster up}), and secrets must come
 * from that file or the cluster's environment, not this shell's.
 */
public final class ClusterSubmit {

    private ClusterSubmit() {}

    /** The options {@code run} takes for a cluster; {@code --cluster} is required once one of them is given. */
    public static final class Options {
        @Option(names = "--cluster", required = true, paramLabel = "URL", description = "The cluster's REST API, e.g. "
                + "http://127.0.0.1:8081 (bin/touchpoint cluster up): upload the job jar (jobs/target/*-job.jar), run "
                + "it at job.parallelism, print the job id.")
        String url;

        @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Start from this savepoint or "
                + "retained checkpoint.")
        String savepoint;

        @Option(names = "--jar", paramLabel = "FILE", description = "Submit this jar instead.")
        Path jar;
    }

    /**
     * Checks everything, then uploads and runs the jar.
     *
     * @throws Cli.BadInput for a bad URL, jar or option (nothing uploaded)
     */
    public static int submit(Options cluster, RunOptions job, PrintStream out, PrintStream err) {
        if (!cluster.url.matches("https?://[^\\s/]+(:\\d+)?/?")) {
            throw new Cli.BadInput("--cluster takes the REST URL, e.g. http://127.0.0.1:8081");
        }
        Configuration config = job.configuration(System.getenv());
        Path jar = cluster.jar;
        try {
            if (jar == null) {
                jar = defaultJarUnder(Path.of(System.getProperty("touchpoint.home", ".")));
            } else if (!Files.isRegularFile(jar)) {
                throw new Cli.BadInput("no job jar at " + jar);
            }
        } catch (IOException | IllegalStateException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        if (System.getenv().containsKey(MonitorConfig.ENV_INFLUX_USER)
                || System.getenv().containsKey(MonitorConfig.ENV_INFLUX_PASSWORD)) {
            err.println("touchpoint run: note: TOUCHPOINT_INFLUX_* in this shell do not reach the cluster; "
                    + "put the credentials in the --config file or the cluster's environment");
        }
        try {
            FlinkRest rest = new FlinkRest(cluster.url);
            String jarId = rest.uploadJar(jar);
            int parallelism = config.get(MonitorOptions.PARALLELISM);
            String jobId = rest.runJar(jarId, MonitorMain.class.getName(), parallelism, job.programArguments(),
                    cluster.savepoint);
            out.println("touchpoint run: submitted " + jar.getFileName() + " to " + rest.url() + " at parallelism "
                    + parallelism + (cluster.savepoint == null ? "" : " from " + cluster.savepoint));
            out.println("job id " + jobId + "  (" + rest.url() + "/#/job/running/" + jobId + "/overview)");
            return Cli.OK;
        } catch (IOException e) {
            err.println("touchpoint run: " + e.getMessage());
            return Cli.FAILED;
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
}
