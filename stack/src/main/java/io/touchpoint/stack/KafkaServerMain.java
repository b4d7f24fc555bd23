package io.touchpoint.stack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

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
}
