package io.touchpoint.cli;

import io.touchpoint.stack.KafkaServerMain;
import io.touchpoint.stack.KafkaTopics;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.Ports;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Kafka broker (own JVM) and influxd (own process) a benchmark runs against, on free loopback ports. */
record BenchStack(Process kafka, String bootstrap, LocalInflux influx) implements AutoCloseable {

    static BenchStack start(Path dir) throws Exception {
        DemoCommand.deleteTree(dir);
        int kafkaPort = Ports.free();
        Process kafka = KafkaServerMain.launch(dir.resolve("kafka"), kafkaPort, dir.resolve("kafka.log"));
        // Ctrl-C skips close(); the broker and influxd are child processes and must not outlive us.
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy, "stop-kafka"));
        String bootstrap = "127.0.0.1:" + kafkaPort;
        LocalInflux influx;
        try {
            influx = LocalInflux.start(dir.resolve("influxdb"), 0, false);
        } catch (Exception e) {
            kafka.destroy();
            throw e;
        }
        LocalInflux started = influx;
        Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-influxd"));
        BenchStack stack = new BenchStack(kafka, bootstrap, influx);
        try {
            KafkaTopics.create(bootstrap, 3, List.of("cx.interactions", "cx.surveys", "cx.dead-letter"));
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    @Override
    public void close() {
        influx.stop();
        kafka.destroy();
        try {
            kafka.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
