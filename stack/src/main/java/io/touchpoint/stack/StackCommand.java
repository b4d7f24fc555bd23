package io.touchpoint.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/touchpoint stack up|down [--purge]|status}: a local Kafka broker and influxd that outlive the command,
 * each a background process whose PID is kept in the stack directory. Only those PIDs are ever signalled.
 */
public final class StackCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint stack up|down [--purge]|status [--dir DIR] [--kafka-port P] [--influx-port P]",
            "",
            "A local Kafka broker (KRaft) and InfluxDB (influxd) on 127.0.0.1 for development.",
            "  up       start both (if not running) and create the topics cx.interactions, cx.surveys,",
            "           cx.churn-risk and cx.dead-letter",
            "  down     stop both; --purge also deletes their data",
            "  status   show what runs where (exit 0 when both run, 3 otherwise)",
            "  --dir DIR          data and PID files (default .stack)",
            "  --kafka-port P     default 9092",
            "  --influx-port P    default 8086");

    /** The default topics and their partitions. */
    static final List<String> TOPICS = List.of("cx.interactions", "cx.surveys", "cx.churn-risk", "cx.dead-letter");

    private final Path dir;
    private final int kafkaPort;
    private final int influxPort;
    private final PrintStream out;

    private StackCommand(Path dir, int kafkaPort, int influxPort, PrintStream out) {
        this.dir = dir;
        this.kafkaPort = kafkaPort;
        this.influxPort = influxPort;
        this.out = out;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String action = null;
        boolean purge = false;
        Path dir = Path.of(".stack");
        int kafkaPort = 9092;
        int influxPort = 8086;
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
                    case "--purge" -> purge = true;
                    case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                    case "--kafka-port" -> kafkaPort = port(value(args, ++i, "--kafka-port"));
                    case "--influx-port" -> influxPort = port(value(args, ++i, "--influx-port"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (action == null) {
                throw new IllegalArgumentException("say up, down or status (see --help)");
            }
            if (purge && !action.equals("down")) {
                throw new IllegalArgumentException("--purge goes with down");
            }
        } catch (IllegalArgumentException e) {
            err.println("touchpoint stack: " + e.getMessage());
            return 2;
        }
        StackCommand stack = new StackCommand(dir.toAbsolutePath(), kafkaPort, influxPort, out);
        try {
            return switch (action) {
                case "up" -> stack.up();
                case "down" -> stack.down(purge);
                default -> stack.status();
            };
        } catch (IllegalStateException | IOException e) {
            err.println("touchpoint stack " + action + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int up() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        boolean kafkaUp = running("kafka").isPresent();
        boolean influxUp = running("influxd").isPresent();
        if (kafkaUp && influxUp) {
            out.println("stack is already up");
            return status();
        }
        if (!kafkaUp) {
            Ports.requireFree(kafkaPort, "Kafka");
        }
        if (!influxUp) {
            Ports.requireFree(influxPort, "InfluxDB");
            startInflux();
        }
        if (!kafkaUp) {
            startKafka();
        }
        KafkaTopics.create("127.0.0.1:" + kafkaPort, 3, TOPICS);
        out.println("stack is up (data in " + dir + ")");
        return status();
    }

    private void startInflux() throws IOException, InterruptedException {
        Path influxd = LocalInflux.findInfluxd().orElseThrow(() -> new IllegalStateException(
                "influxd not found: install it with 'apt-get install -y influxdb' (Debian/Ubuntu)"));
        Path data = dir.resolve("influxdb");
        Path config = LocalInflux.writeConfig(data, influxPort, false);
        Process p = new ProcessBuilder(influxd.toString(), "run", "-config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile()))
                .start();
        Files.writeString(dir.resolve("influxd.pid"), Long.toString(p.pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!LocalInflux.ping("http://127.0.0.1:" + influxPort)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("influxd did not start, see " + dir.resolve("influxd.log"));
            }
            Thread.sleep(100);
        }
    }

    private void startKafka() throws IOException, InterruptedException {
        Process p = KafkaServerMain.launch(dir.resolve("kafka"), kafkaPort, dir.resolve("kafka.log"));
        Files.writeString(dir.resolve("kafka.pid"), Long.toString(p.pid()));
    }

    private int down(boolean purge) throws IOException, InterruptedException {
        for (String service : List.of("kafka", "influxd")) {
            Optional<ProcessHandle> process = running(service);
            if (process.isPresent()) {
                ProcessHandle p = process.get();
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                    p.onExit().join();
                }
                out.println(service + " stopped (pid " + p.pid() + ")");
            } else {
                out.println(service + " was not running");
            }
            Files.deleteIfExists(dir.resolve(service + ".pid"));
        }
        if (purge && Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            out.println("deleted " + dir);
        }
        return 0;
    }

    private int status() throws IOException {
        Optional<ProcessHandle> kafka = running("kafka");
        Optional<ProcessHandle> influx = running("influxd");
        out.println(line("kafka", kafka, "127.0.0.1:" + kafkaPort));
        out.println(line("influxdb", influx, "http://127.0.0.1:" + influxPort));
        return kafka.isPresent() && influx.isPresent() ? 0 : 3;
    }

    private static String line(String name, Optional<ProcessHandle> p, String where) {
        return String.format("%-9s %s", name, p.map(h -> "up    " + where + "  (pid " + h.pid() + ")").orElse("down"));
    }

    /** The process recorded in the PID file, if it is still alive. */
    private Optional<ProcessHandle> running(String service) throws IOException {
        Path pidFile = dir.resolve(service + ".pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a port is a number from 1 to 65535, got '" + value + "'");
    }
}
