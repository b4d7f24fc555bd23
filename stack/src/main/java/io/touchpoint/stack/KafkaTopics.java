package io.touchpoint.stack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates and deletes topics on a broker, idempotently. */
public final class KafkaTopics {

    private KafkaTopics() {}

    public static Admin admin(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(props);
    }

    /**
     * Creates the topics that do not exist yet, each with {@code partitions} partitions, and returns once every
     * new partition is served by its leader.
     *
     * <p>Waiting matters: the broker publishes a new topic's leader in its metadata a moment before its replica
     * manager takes the lead. An idempotent producer that starts right away can get NOT_LEADER_OR_FOLLOWER for
     * its first batch while later batches of the same partition are accepted; the retried first batch then fails
     * with OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout. A ListOffsets answer comes from the leader's
     * replica manager, so once it succeeds for every partition, produce requests do too.
     */
    public static void create(String bootstrapServers, int partitions, Collection<String> topics) {
        try (Admin admin = admin(bootstrapServers)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<TopicPartition, OffsetSpec> created = new HashMap<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                    for (int p = 0; p < partitions; p++) {
                        created.put(new TopicPartition(topic, p), OffsetSpec.latest());
                    }
                }
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, created);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating topics failed: " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating topics failed: " + e.getMessage(), e);
        }
    }

    private static void awaitLeaders(Admin admin, Map<TopicPartition, OffsetSpec> partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!partitions.isEmpty()) {
            try {
                admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Deletes those of the topics that exist. */
    public static void delete(String bootstrapServers, Collection<String> topics) {
        try (Admin admin = admin(bootstrapServers)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> present = topics.stream().filter(existing::contains).toList();
            admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("deleting topics failed: " + e.getMessage(), e);
        }
    }
}
