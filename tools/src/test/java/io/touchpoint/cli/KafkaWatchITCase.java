package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.stack.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker stopped while a run watches it, then started again on the same port: one line each way. */
class KafkaWatchITCase {

    @TempDir
    Path dir;

    @Test
    void oneWarnWhenKafkaGoesAwayAndOneWhenItIsBack() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        int port = kafka.port();
        List<String> lines = new CopyOnWriteArrayList<>();
        try (KafkaWatch watch = new KafkaWatch(kafka.bootstrapServers(), new Properties(), lines::add)
                .start(Duration.ofSeconds(1))) {
            Thread.sleep(2_000);
            assertThat(lines).isEmpty();
            kafka.stop();
            long stopped = System.nanoTime();
            while (lines.isEmpty() && System.nanoTime() - stopped < 30_000_000_000L) {
                Thread.sleep(200);
            }
            assertThat(lines).containsExactly("Kafka at 127.0.0.1:" + port + " is unreachable (no broker answers); the "
                    + "job reads nothing meanwhile (live gauges show the channels quiet) and goes on from its "
                    + "checkpointed offsets when it is back, nothing is lost");
            Thread.sleep(3_000); // several more failed checks: still one line
            assertThat(lines).hasSize(1);
            kafka = LocalKafka.start(dir.resolve("kafka"), port);
            long started = System.nanoTime();
            while (lines.size() < 2 && System.nanoTime() - started < 30_000_000_000L) {
                Thread.sleep(200);
            }
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).matches("Kafka at 127\\.0\\.0\\.1:" + port + " is back after \\d+\\.\\d s; the job "
                    + "reads on");
        } finally {
            kafka.stop();
        }
    }

    /** What a bounded run's progress line counts against: every record between the earliest and end offsets. */
    @Test
    void recordsToReadCountsEveryPartitionOfTheTopics() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka2"), 0)) {
            kafka.createTopics(3, "a", "b");
            Properties props = new Properties();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
                for (int i = 0; i < 70; i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(i < 50 ? "a" : "b", "k" + i, "v"));
                }
            }
            assertThat(RunStatus.recordsToRead(kafka.bootstrapServers(), new Properties(), List.of("a", "b")))
                    .isEqualTo(70);
            assertThat(RunStatus.recordsToRead(kafka.bootstrapServers(), new Properties(), List.of("b"))).isEqualTo(20);
        }
    }

    @Test
    void linesOnlyWhenTheStateChanges() {
        KafkaWatch watch = new KafkaWatch("k:9092", new Properties(), line -> {});
        assertThat(watch.observed(true, null, 0)).isEmpty();
        assertThat(watch.observed(false, "no broker answers", 10_000)).isPresent();
        assertThat(watch.observed(false, "no broker answers", 20_000)).isEmpty();
        assertThat(watch.observed(true, null, 48_200)).contains("Kafka at k:9092 is back after 38.2 s; the job reads on");
        assertThat(watch.observed(true, null, 58_200)).isEmpty();
    }
}
