package io.touchpoint.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.stack.ChildProcesses;
import io.touchpoint.stack.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster on 127.0.0.1: one JobManager and N TaskManagers, each a JVM of its own started
 * from Flink's entry points with the class path of the {@code cluster} module (Flink's {@code lib/}, no project
 * code). Everything lives under one directory: {@code conf/config.yaml}, {@code log/}, the PID files
 * {@code jobmanager.pid} and {@code taskmanager-N.pid}, {@code rest.port}, and {@code checkpoints/} and
 * {@code savepoints/}, which outlive the cluster so a job can be restarted from them. Only a recorded PID whose
 * command line names this directory is ever signalled.
 */
public final class LocalCluster {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** The JDK packages Flink's own start scripts open to every Flink JVM (env.java.default-opts.all). */
    private static final List<String> JVM_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path dir;
    private final Path classpathFile;

    /**
     * @param dir the cluster's directory (created on start)
     * @param home the project checkout, whose {@code cluster/target/classpath.txt} the JVMs run with
     */
    public LocalCluster(Path dir, Path home) {
        this.dir = dir.toAbsolutePath().normalize();
        this.classpathFile = home.toAbsolutePath().normalize().resolve("cluster/target/classpath.txt");
    }

    public Path dir() {
        return dir;
    }

    /** Where savepoints go unless a stop names another directory ({@code execution.checkpointing.savepoint-dir}). */
    public Path savepoints() {
        return dir.resolve("savepoints");
    }

    /**
     * Writes the configuration, starts the JobManager and {@code taskManagers} TaskManagers and returns once all of
     * them have registered. On failure, whatever this call started is stopped again.
     *
     * @param restPort the REST / web UI port
     * @param detached whether the JVMs get a session of their own and outlive this one ({@code cluster up})
     */
    public void start(int taskManagers, int slots, int restPort, boolean detached) throws IOException {
        if (jobManager().isPresent()) {
            throw new IllegalStateException("a cluster already runs from " + dir + " (" + restUrl() + ")");
        }
        Ports.requireFree(restPort, "Flink REST");
        Files.createDirectories(dir.resolve("log"));
        writeConfig(slots, restPort);
        Files.writeString(dir.resolve("rest.port"), restPort + "\n");
        try {
            Process jm = launch("jobmanager", JOB_MANAGER_MAIN, jobManagerMemory(), detached);
            FlinkRest rest = rest();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!rest.answers()) {
                if (!jm.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the JobManager did not start: "
                            + ChildProcesses.tail(dir.resolve("log/jobmanager.out"), 5) + " (see "
                            + dir.resolve("log/jobmanager.log") + ")");
                }
                ChildProcesses.sleep(200);
            }
            for (int n = 1; n <= taskManagers; n++) {
                startTaskManager(n, detached);
            }
            awaitTaskManagers(taskManagers);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Starts TaskManager {@code n} (again, after {@link #killTaskManager}); returns without waiting. */
    public void startTaskManager(int n, boolean detached) throws IOException {
        if (taskManager(n).isPresent()) {
            throw new IllegalStateException("taskmanager " + n + " already runs");
        }
        launch("taskmanager-" + n, TASK_MANAGER_MAIN, taskManagerMemory(), detached);
    }

    /** Kills TaskManager {@code n} without warning (SIGKILL), as a crashed machine would; for fault tests. */
    public void killTaskManager(int n) {
        ProcessHandle tm = taskManager(n).orElseThrow(() -> new IllegalStateException("taskmanager " + n + " is not running"));
        tm.destroyForcibly();
        tm.onExit().join();
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws IOException {
        FlinkRest rest = rest();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (rest.overview().path("taskmanagers").asInt() < count) {
            for (int n : recordedTaskManagers()) {
                if (taskManager(n).isEmpty()) {
                    throw new IllegalStateException("taskmanager " + n + " exited: "
                            + ChildProcesses.tail(dir.resolve("log/taskmanager-" + n + ".out"), 5) + " (see "
                            + dir.resolve("log/taskmanager-" + n + ".log") + ")");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(count + " TaskManagers did not register within "
                        + START_TIMEOUT.toSeconds() + " s (see " + dir.resolve("log") + ")");
            }
            ChildProcesses.sleep(200);
        }
    }

    /**
     * Stops the TaskManagers, then the JobManager (a TaskManager outliving it would keep retrying to register);
     * SIGTERM, SIGKILL after 20 s. Returns one line per process for the user.
     */
    public List<String> stop() throws IOException {
        List<String> report = new ArrayList<>();
        for (int n : recordedTaskManagers()) {
            report.add(stop("taskmanager-" + n));
        }
        report.add(stop("jobmanager"));
        return report;
    }

    private String stop(String name) throws IOException {
        Path pidFile = dir.resolve(name + ".pid");
        Optional<ProcessHandle> process = running(name);
        String line;
        if (process.isPresent()) {
            ChildProcesses.stop(process.get(), ChildProcesses.STOP_TIMEOUT);
            line = name + " stopped (pid " + process.get().pid() + ")";
        } else {
            line = name + " was not running";
        }
        Files.deleteIfExists(pidFile);
        return line;
    }

    /** {@code http://127.0.0.1:PORT} as recorded by the last start. */
    public String restUrl() throws IOException {
        Path file = dir.resolve("rest.port");
        if (!Files.exists(file)) {
            throw new IllegalStateException("no cluster was started from " + dir);
        }
        return "http://127.0.0.1:" + Files.readString(file).strip();
    }

    public FlinkRest rest() throws IOException {
        return new FlinkRest(restUrl());
    }

    public Optional<ProcessHandle> jobManager() throws IOException {
        return running("jobmanager");
    }

    public Optional<ProcessHandle> taskManager(int n) {
        try {
            return running("taskmanager-" + n);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The numbers of the TaskManagers with a PID file, in order. */
    public List<Integer> recordedTaskManagers() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.matches("taskmanager-\\d+\\.pid"))
                    .map(f -> Integer.parseInt(f.substring("taskmanager-".length(), f.length() - ".pid".length())))
                    .sorted()
                    .toList();
        }
    }

    /** The recorded process {@code name} if it is alive and runs with this cluster's configuration directory. */
    private Optional<ProcessHandle> running(String name) throws IOException {
        Path pidFile = dir.resolve(name + ".pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String marker = marker();
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    private Process launch(String name, String mainClass, List<String> memory, boolean detached) throws IOException {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("no Flink class path at " + classpathFile
                    + ": build first (mvn -B -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add(marker());
        // memory.subList: JVM flags first, then the "-D key=value" settings that follow the main class's arguments
        int split = memory.indexOf("--");
        command.addAll(memory.subList(0, split));
        command.addAll(JVM_OPENS);
        command.add("-Dlog.file=" + dir.resolve("log/" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + conf().resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(Files.readString(classpathFile).strip());
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf().toString());
        command.addAll(memory.subList(split + 1, memory.size()));
        Process process = ChildProcesses.start(command, dir.resolve("log/" + name + ".out"), detached);
        Files.writeString(dir.resolve(name + ".pid"), process.pid() + "\n");
        return process;
    }

    /** What Flink's start scripts compute with BashJavaUtils: JVM memory flags, "--", dynamic properties. */
    private List<String> jobManagerMemory() {
        Configuration config = GlobalConfiguration.loadConfiguration(conf().toString());
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(config);
        return memoryArguments(JobManagerProcessUtils.generateJvmParametersStr(spec, config),
                JobManagerProcessUtils.generateDynamicConfigsStr(spec));
    }

    private List<String> taskManagerMemory() {
        Configuration config = GlobalConfiguration.loadConfiguration(conf().toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config);
        return memoryArguments(ProcessMemoryUtils.generateJvmParametersStr(spec),
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
    }

    private static List<String> memoryArguments(String jvm, String dynamic) {
        List<String> all = new ArrayList<>(Arrays.asList(jvm.strip().split("\\s+")));
        all.add("--");
        all.addAll(Arrays.asList(dynamic.strip().split("\\s+")));
        return all;
    }

    /**
     * The first JVM argument of every process of this cluster: the JDK shows only the start of a long command line,
     * and the class path would push anything later out of it.
     */
    private String marker() {
        return "-Dtouchpoint.cluster=" + dir;
    }

    private Path conf() {
        return dir.resolve("conf");
    }

    /**
     * {@code conf/config.yaml}: every listener on 127.0.0.1, RocksDB with incremental checkpoints, checkpoints
     * retained on cancellation, a bounded fixed-delay restart strategy, slots spread evenly over the TaskManagers
     * (so that every TaskManager takes load), and heartbeats short enough that a killed TaskManager is noticed
     * within 20 s.
     */
    private void writeConfig(int slots, int restPort) throws IOException {
        Files.createDirectories(conf());
        for (String sub : List.of("checkpoints", "savepoints", "tmp", "upload")) {
            Files.createDirectories(dir.resolve(sub));
        }
        TreeMap<String, String> settings = new TreeMap<>();
        settings.put("jobmanager.rpc.address", "127.0.0.1");
        settings.put("jobmanager.rpc.port", String.valueOf(Ports.free()));
        settings.put("jobmanager.bind-host", "127.0.0.1");
        settings.put("taskmanager.host", "127.0.0.1");
        settings.put("taskmanager.bind-host", "127.0.0.1");
        settings.put("rest.address", "127.0.0.1");
        settings.put("rest.bind-address", "127.0.0.1");
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
        settings.put("taskmanager.load-balance.mode", "SLOTS");
        settings.put("parallelism.default", "1");
        settings.put("jobmanager.memory.process.size", "1024m");
        settings.put("taskmanager.memory.process.size", "1600m");
        settings.put("state.backend.type", "rocksdb");
        settings.put("execution.checkpointing.incremental", "true");
        settings.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", savepoints().toUri().toString());
        settings.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        settings.put("restart-strategy.type", "fixed-delay");
        settings.put("restart-strategy.fixed-delay.attempts", "10");
        settings.put("restart-strategy.fixed-delay.delay", "2 s");
        settings.put("heartbeat.interval", "5000");
        settings.put("heartbeat.timeout", "20000");
        settings.put("io.tmp.dirs", dir.resolve("tmp").toString());
        settings.put("web.upload.dir", dir.resolve("upload").toString());
        settings.put("web.tmpdir", dir.resolve("tmp").toString());
        StringBuilder yaml = new StringBuilder("# written by bin/touchpoint cluster up; rewritten on every start\n");
        settings.forEach((k, v) -> yaml.append(k).append(": ").append(quoted(v)).append('\n'));
        Files.writeString(conf().resolve("config.yaml"), yaml.toString());
        Files.writeString(conf().resolve("log4j.properties"), String.join("\n",
                "monitorInterval = 30",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.append = true",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                ""));
    }

    private static String quoted(String value) {
        return value.matches("[A-Za-z0-9._/-]+") ? value : "'" + value.replace("'", "''") + "'";
    }

    /** One line per process and the cluster's slots as the JobManager reports them. */
    public List<String> status() throws IOException {
        List<String> lines = new ArrayList<>();
        Optional<ProcessHandle> jm = jobManager();
        if (jm.isEmpty()) {
            lines.add("jobmanager   down");
            return lines;
        }
        String url = restUrl();
        JsonNode overview = null;
        try {
            overview = rest().overview();
        } catch (IOException e) {
            // reported on the line below
        }
        lines.add(String.format("jobmanager   %s  %s  pid %d", overview == null ? "starting" : "up   ", url,
                jm.get().pid()));
        for (int n : recordedTaskManagers()) {
            Optional<ProcessHandle> tm = taskManager(n);
            lines.add(String.format("taskmanager-%d %s", n, tm.map(p -> "up     pid " + p.pid()).orElse("down")));
        }
        if (overview != null) {
            lines.add(String.format("registered   %d TaskManagers, %d of %d slots free, %d jobs running",
                    overview.path("taskmanagers").asInt(), overview.path("slots-available").asInt(),
                    overview.path("slots-total").asInt(), overview.path("jobs-running").asInt()));
        }
        return lines;
    }
}
