package io.touchpoint.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LocalKafka} until the process is terminated (SIGTERM or SIGINT stop the broker cleanly); what
 * {@code bin/touchpoint stack up} starts in the background. Usage: {@code KafkaServerMain --dir DIR [--port P]}.
 * Prints {@value #READY} followed by {@code 127.0.0.1:P} once the broker answers.
 */
public final class KafkaServerMain {

    static final String READY = "kafka ready on ";
    /** Names the broker's data directory on the JVM's command line, ahead of the class path. */
    static final String DIR_PROPERTY = "touchpoint.kafka.dir";
    private static final String USAGE = "usage: KafkaServerMain --dir DIR [--port PORT]";

    private KafkaServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path dir = null;
        int port = 9092;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--dir" -> dir = Path.of(args[i + 1]);
                    case "--port" -> port = Integer.parseInt(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("--dir is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("KafkaServerMain: " + e.getMessage() + "; " + USAGE);
            System.exit(2);
        }
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start(dir, port);
        } catch (IOException | RuntimeException e) {
            System.err.println("KafkaServerMain: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            System.out.println("kafka stopped");
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /**
     * Starts a broker in another JVM (same java, same class path) tied to the caller's terminal session, and waits
     * until it is ready; output goes to {@code log}.
     */
    public static Process launch(Path dir, int port, Path log) throws IOException, InterruptedException {
        return launch(dir, port, log, false);
    }

    /**
     * Starts a broker in another JVM (same java, same class path) and waits until it is ready; with
     * {@code detached} it runs in a session of its own and outlives the caller and its terminal.
     */
    public static Process launch(Path dir, int port, Path log, boolean detached)
            throws IOException, InterruptedException {
        Process p = spawn(dir, port, log, detached);
        awaitReady(p, port, log);
        return p;
    }

    /** Starts the broker JVM without waiting for it; output goes to {@code log}, which is started afresh. */
    static Process spawn(Path dir, int port, Path log, boolean detached) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The data dir goes first as well: the JDK reads only the first page of a process's command line, and a
        // class path is longer than that, so `stack status` finds the broker by this property.
        List<String> command = new ArrayList<>(List.of(java, "-D" + DIR_PROPERTY + "=" + dir.toAbsolutePath(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) {
            command.add("-Dlog4j2.configurationFile=" + log4j);
        }
        command.addAll(List.of(KafkaServerMain.class.getName(),
                "--dir", dir.toAbsolutePath().toString(), "--port", Integer.toString(port)));
        Files.deleteIfExists(log);
        return ChildProcesses.start(command, log, detached);
    }

    /** Waits for the ready line in {@code log}; on failure stops the JVM and throws with the log's last lines. */
    static void awaitReady(Process p, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log).contains(READY)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                ChildProcesses.stop(p.toHandle(), ChildProcesses.STOP_TIMEOUT);
                throw new IllegalStateException("Kafka did not start on port " + port + ": "
                        + ChildProcesses.tail(log, 3));
            }
            Thread.sleep(100);
        }
    }
}
