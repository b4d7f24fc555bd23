package io.touchpoint.stack;

import io.touchpoint.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/touchpoint stack up|down [--purge]|status}: a local Kafka broker and influxd on 127.0.0.1 that outlive
 * the command. Each runs as a background process in a session of its own; its PID and port are kept in the stack
 * directory ({@code kafka.pid}, {@code kafka.port}, {@code influxd.pid}, {@code influxd.port}). Only a recorded PID
 * whose command line names this stack directory is ever signalled, so a stale PID file reused by another process is
 * left alone.
 */
@Command(name = "stack", mixinStandardHelpOptions = true, sortOptions = false,
        header = "up|down|status: a local Kafka (KRaft) and influxd on loopback, data under .stack/",
        description = "A local Kafka broker (KRaft) and InfluxDB (influxd) on 127.0.0.1 for development.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done (status: both are up)", "  1  failed (one line on stderr says why)", "  2  bad arguments",
            "  3  status: not both are up"})
public final class StackCommand implements Callable<Integer> {

    private static final List<String> ACTIONS = List.of("up", "down", "status");

    /** The actions, for completion. */
    static final class Actions implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ACTIONS.iterator();
        }
    }

    @Parameters(arity = "0..*", paramLabel = "up|down|status", completionCandidates = Actions.class,
            description = {
                "up      start whichever is not running, wait until both answer, and create the topics "
                        + "cx.interactions and cx.surveys (3 partitions), cx.churn-risk and cx.dead-letter (1)",
                "down    stop both (SIGTERM, SIGKILL after 20 s); --purge also deletes their data",
                "status  show what runs where; exit 0 when both are up, 3 otherwise"})
    List<String> actions = new ArrayList<>();

    @Option(names = "--purge", description = "With down: also delete their data.")
    boolean purge;

    @Option(names = "--dir", paramLabel = "DIR", description = "Data, logs and PID files (default: ${DEFAULT-VALUE} "
            + "in the current directory).")
    Path dirOption = Path.of(".stack");

    @Option(names = "--kafka-port", paramLabel = "P", description = "Kafka client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort = 9092;

    @Option(names = "--influx-port", paramLabel = "P", description = "InfluxDB HTTP port (default: ${DEFAULT-VALUE}).")
    int influxPort = 8086;

    /** Input topics, keyed by conversation or customer: partitioned so that a job can read them in parallel. */
    static final List<String> INPUT_TOPICS = List.of("cx.interactions", "cx.surveys");
    static final int INPUT_PARTITIONS = 3;
    /** Output topics: low volume, one partition keeps them in order for whoever inspects them. */
    static final List<String> OUTPUT_TOPICS = List.of("cx.churn-risk", "cx.dead-letter");
    static final int OUTPUT_PARTITIONS = 1;
    static final List<String> TOPICS =
            Stream.concat(INPUT_TOPICS.stream(), OUTPUT_TOPICS.stream()).toList();

    /** Exit code of {@code status} when not both services are up. */
    static final int NOT_UP = 3;

    /** The absolute stack directory, from --dir. */
    private Path dir;
    private final PrintStream out;
    private final PrintStream err;

    public StackCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code touchpoint stack ARGS}, as the dispatcher runs it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new StackCommand(out, err));
        cl.setCommandName("touchpoint stack");
        return Cli.execute(cl, args, out, err);
    }

    @Override
    public Integer call() {
        for (String a : actions) {
            if (!ACTIONS.contains(a)) {
                throw new IllegalArgumentException("unknown argument '" + a + "' (see --help)");
            }
        }
        if (actions.size() > 1) {
            throw new IllegalArgumentException("one action only, got " + actions.get(0) + " and " + actions.get(1));
        }
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("say up, down or status (see --help)");
        }
        String action = actions.get(0);
        if (purge && !action.equals("down")) {
            throw new IllegalArgumentException("--purge goes with down");
        }
        port(kafkaPort);
        port(influxPort);
        if (kafkaPort == influxPort) {
            throw new IllegalArgumentException("--kafka-port and --influx-port are both " + kafkaPort);
        }
        dir = dirOption.toAbsolutePath().normalize();
        try {
            return switch (action) {
                case "up" -> up();
                case "down" -> down(purge);
                default -> status();
            };
        } catch (IllegalStateException | IOException e) {
            err.println("touchpoint stack " + action + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("touchpoint stack " + action + ": interrupted");
            return 1;
        }
    }

    /** The two services, each with its file names under the stack directory. */
    private enum Service {
        KAFKA("kafka", "kafka", "Kafka"),
        INFLUXD("influxd", "influxdb", "InfluxDB");

        final String file;
        final String dataDir;
        final String label;

        Service(String file, String dataDir, String label) {
            this.file = file;
            this.dataDir = dataDir;
            this.label = label;
        }
    }

    private int up() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Optional<ProcessHandle> kafka = running(Service.KAFKA);
        Optional<ProcessHandle> influx = running(Service.INFLUXD);
        if (kafka.isPresent() && influx.isPresent()) {
            out.println("stack is already up (data in " + dir + ")");
            return status();
        }
        if (kafka.isEmpty()) {
            Ports.requireFree(kafkaPort, Service.KAFKA.label);
        }
        if (influx.isEmpty()) {
            Ports.requireFree(influxPort, Service.INFLUXD.label);
        }
        // What this call started is stopped again if a later step fails, so a failed up leaves nothing behind.
        List<Service> started = new ArrayList<>();
        try {
            if (influx.isEmpty()) {
                Path log = logFile(Service.INFLUXD);
                Process p = LocalInflux.spawn(dataDir(Service.INFLUXD), influxPort, false, log, true);
                record(Service.INFLUXD, p.pid(), influxPort);
                started.add(Service.INFLUXD);
                LocalInflux.awaitReady(p, influxPort, log);
            }
            if (kafka.isEmpty()) {
                Path log = logFile(Service.KAFKA);
                Process p = KafkaServerMain.spawn(dataDir(Service.KAFKA), kafkaPort, log, true);
                record(Service.KAFKA, p.pid(), kafkaPort);
                started.add(Service.KAFKA);
                KafkaServerMain.awaitReady(p, kafkaPort, log);
            }
            String bootstrap = "127.0.0.1:" + recordedPort(Service.KAFKA).orElse(kafkaPort);
            KafkaTopics.create(bootstrap, INPUT_PARTITIONS, INPUT_TOPICS);
            KafkaTopics.create(bootstrap, OUTPUT_PARTITIONS, OUTPUT_TOPICS);
        } catch (IOException | RuntimeException | InterruptedException e) {
            for (Service service : started) {
                discard(service);
            }
            throw e;
        }
        out.println("stack is up (data in " + dir + ")");
        return status();
    }

    private int down(boolean purge) throws IOException {
        for (Service service : List.of(Service.KAFKA, Service.INFLUXD)) {
            stop(service);
        }
        if (purge) {
            purge();
        }
        return 0;
    }

    private void stop(Service service) throws IOException {
        Optional<Long> pid = recordedPid(service);
        Optional<ProcessHandle> process = running(service);
        if (process.isPresent()) {
            ChildProcesses.stop(process.get(), ChildProcesses.STOP_TIMEOUT);
            out.println(service.file + " stopped (pid " + process.get().pid() + ")");
        } else if (pid.isPresent() && ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
            out.println(service.file + " was not running; pid " + pid.get() + " in " + pidFile(service)
                    + " is another process and was left alone");
        } else {
            out.println(service.file + " was not running");
        }
        Files.deleteIfExists(pidFile(service));
        Files.deleteIfExists(portFile(service));
    }

    /** Stops a service this call started and forgets it, without a word: the caller reports the failure. */
    private void discard(Service service) throws IOException {
        Optional<ProcessHandle> process = running(service);
        if (process.isPresent()) {
            ChildProcesses.stop(process.get(), ChildProcesses.STOP_TIMEOUT);
        }
        Files.deleteIfExists(pidFile(service));
        Files.deleteIfExists(portFile(service));
    }

    /** Deletes only what the stack writes, then the directory if nothing else is in it. */
    private void purge() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (Service service : Service.values()) {
            deleteTree(dataDir(service));
            Files.deleteIfExists(logFile(service));
        }
        try (Stream<Path> rest = Files.list(dir)) {
            if (rest.findAny().isEmpty()) {
                Files.delete(dir);
            }
        }
        out.println("deleted the stack data in " + dir);
    }

    private int status() throws IOException {
        boolean kafkaUp = printStatus(Service.KAFKA, kafkaPort, "127.0.0.1:");
        boolean influxUp = printStatus(Service.INFLUXD, influxPort, "http://127.0.0.1:");
        return kafkaUp && influxUp ? 0 : NOT_UP;
    }

    /** Prints one line for the service; it is up when its recorded process runs and its port answers. */
    private boolean printStatus(Service service, int defaultPort, String scheme) throws IOException {
        Optional<ProcessHandle> process = running(service);
        int port = process.isPresent() ? recordedPort(service).orElse(defaultPort) : defaultPort;
        String where = scheme + port;
        if (process.isEmpty()) {
            out.println(String.format("%-9s down  %s", service.dataDir, where));
            return false;
        }
        long pid = process.get().pid();
        if (!Ports.inUse(port)) {
            out.println(String.format("%-9s down  %s  pid %d runs but the port does not answer (see %s)",
                    service.dataDir, where, pid, logFile(service)));
            return false;
        }
        out.println(String.format("%-9s up    %s  pid %d", service.dataDir, where, pid));
        return true;
    }

    /**
     * The process recorded in the PID file if it is alive and is ours: its command line names this stack's data
     * directory (the broker's {@code --dir}, influxd's config file).
     */
    private Optional<ProcessHandle> running(Service service) throws IOException {
        String marker = dataDir(service).toString();
        return recordedPid(service)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    private Optional<Long> recordedPid(Service service) throws IOException {
        return readNumber(pidFile(service));
    }

    private Optional<Integer> recordedPort(Service service) throws IOException {
        return readNumber(portFile(service)).map(Long::intValue);
    }

    private static Optional<Long> readNumber(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void record(Service service, long pid, int port) throws IOException {
        Files.writeString(pidFile(service), pid + "\n");
        Files.writeString(portFile(service), port + "\n");
    }

    private Path pidFile(Service service) {
        return dir.resolve(service.file + ".pid");
    }

    private Path portFile(Service service) {
        return dir.resolve(service.file + ".port");
    }

    private Path logFile(Service service) {
        return dir.resolve(service.file + ".log");
    }

    private Path dataDir(Service service) {
        return dir.resolve(service.dataDir);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a port is a number from 1 to 65535, got '" + port + "'");
        }
    }
}
