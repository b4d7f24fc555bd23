package io.touchpoint.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LocalKafka} until the process is terminated; what {@code bin/touchpoint stack up} starts in the
 * background. Usage: {@code KafkaServerMain --dir DIR --port PORT}.
 */
public final class KafkaServerMain {

    private KafkaServerMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int port = 9092;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("usage: KafkaServerMain --dir DIR --port PORT");
        }
        LocalKafka kafka = LocalKafka.start(dir, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            stopped.countDown();
        }, "kafka-shutdown"));
        System.out.println("kafka ready on " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /**
     * Starts a broker in a background JVM (same java, same class path) that outlives the caller, and waits until
     * it is ready.
     */
    public static Process launch(Path dir, int port, Path log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) {
            command.add("-Dlog4j2.configurationFile=" + log4j);
        }
        command.addAll(List.of(KafkaServerMain.class.getName(), "--dir", dir.toString(), "--port", Integer.toString(port)));
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log).contains("kafka ready on")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("Kafka did not start, see " + log);
            }
            Thread.sleep(200);
        }
        return p;
    }
}
