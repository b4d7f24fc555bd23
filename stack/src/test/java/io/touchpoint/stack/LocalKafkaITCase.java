package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaITCase {

    @TempDir
    Path dir;

    @Test
    void topicsAndRecordsSurviveAStopAndAStartOnTheSameDirectory() throws Exception {
        int port;
        try (LocalKafka kafka = LocalKafka.start(dir, 0)) {
            port = kafka.port();
            kafka.createTopics(3, "kept");
            assertThat(KafkaRecords.send(kafka.bootstrapServers(), "kept", 2, new byte[] {9}, new byte[] {4, 5, 6})
                    .offset()).isZero();
        }
        assertThat(Ports.inUse(port)).isFalse();
        String clusterId = Files.readString(dir.resolve("logs/meta.properties"));

        try (LocalKafka kafka = LocalKafka.start(dir, port)) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(Files.readString(dir.resolve("logs/meta.properties"))).isEqualTo(clusterId);
            assertThat(partitions(kafka, "kept")).isEqualTo(3);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaRecords.read(kafka.bootstrapServers(), "kept", 2, 1);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).key()).containsExactly(9);
            assertThat(records.get(0).value()).containsExactly(4, 5, 6);
        }
    }

    @Test
    void createTopicsIsIdempotentAndDeleteTopicsRemovesThem() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir, 0)) {
            kafka.createTopics(3, "a", "b");
            kafka.createTopics(5, "a", "c");
            assertThat(partitions(kafka, "a")).isEqualTo(3);
            assertThat(partitions(kafka, "b")).isEqualTo(3);
            assertThat(partitions(kafka, "c")).isEqualTo(5);

            kafka.deleteTopics("b", "never-created");
            try (Admin admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("a", "c").doesNotContain("b");
            }
        }
    }

    @Test
    void theBrokerListensOnLoopbackOnly() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir, 0)) {
            String config = Files.readString(dir.resolve("server.properties"));
            assertThat(config).contains("listeners=PLAINTEXT\\://127.0.0.1\\:" + kafka.port() + ",CONTROLLER\\://127.0.0.1\\:");
            assertThat(Ports.inUse(kafka.port())).isTrue();
            assertThat(Reachability.answeringOutsideLoopback(kafka.port())).isEmpty();
            assertThat(config).contains("node.id=1", "group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=true");
            // Auto topic creation is on: producing to an unknown topic creates it with one partition.
            assertThat(KafkaRecords.send(kafka.bootstrapServers(), "auto", 0, null, new byte[] {1}).offset()).isZero();
            assertThat(partitions(kafka, "auto")).isEqualTo(1);
        }
    }

    private static int partitions(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
            return d.get(topic).partitions().size();
        }
    }
}
