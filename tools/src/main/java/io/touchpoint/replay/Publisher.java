package io.touchpoint.replay;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes input records to Kafka as producers do: Avro single-object encoded, interactions keyed by
 * conversation (so a conversation stays in one partition, in order) and surveys keyed by customer.
 */
public final class Publisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String interactionTopic;
    private final String surveyTopic;
    private final SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();
    private final SingleObjectCodec<SurveyResponse> surveys = SingleObjectCodec.surveys();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long interactionCount;
    private long surveyCount;

    /** Publishes to the default topics {@code cx.interactions} and {@code cx.surveys}. */
    public Publisher(String bootstrapServers, Properties clientSettings) {
        this(bootstrapServers, MonitorOptions.TOPIC_INTERACTIONS.defaultValue(),
                MonitorOptions.TOPIC_SURVEYS.defaultValue(), clientSettings);
    }

    /**
     * @param clientSettings extra Kafka client settings (security, SASL), from a properties file
     */
    public Publisher(String bootstrapServers, String interactionTopic, String surveyTopic, Properties clientSettings) {
        this(bootstrapServers, interactionTopic, surveyTopic, clientSettings, Duration.ofSeconds(15));
    }

    /**
     * @param maxBlock how long a send may wait for the broker's metadata or for buffer space before it fails
     */
    public Publisher(String bootstrapServers, String interactionTopic, String surveyTopic, Properties clientSettings,
            Duration maxBlock) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlock.toMillis()));
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.interactionTopic = interactionTopic;
        this.surveyTopic = surveyTopic;
    }

    /** Publishes every record in iteration order and waits until Kafka has acknowledged them all. */
    public Map<String, Long> publishAll(Iterator<? extends SpecificRecord> records) {
        while (records.hasNext()) {
            publish(records.next());
        }
        flush();
        return counts();
    }

    /** Sends one record; a failure of an earlier send is thrown here or by {@link #flush()}. */
    public void publish(SpecificRecord record) {
        ProducerRecord<byte[], byte[]> message = toKafka(record);
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + failed.getMessage(), failed);
        }
        producer.send(message, (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        if (record instanceof InteractionEvent) {
            interactionCount++;
        } else {
            surveyCount++;
        }
    }

    /**
     * Sends the records in order and returns once Kafka has acknowledged every one of them, with the number sent
     * per topic. Unlike {@link #publish}, a failure concerns only this call: a long-running caller (the gateway)
     * answers it and goes on. Safe to call from several threads.
     *
     * @throws TimeoutException when not all were acknowledged within {@code timeout} (they may still arrive)
     * @throws ExecutionException when Kafka refused one of them
     */
    public Map<String, Long> publishAcknowledged(List<? extends SpecificRecord> records, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(interactionTopic, 0L);
        counts.put(surveyTopic, 0L);
        for (SpecificRecord record : records) {
            ProducerRecord<byte[], byte[]> message = toKafka(record);
            // a broker that cannot be reached shows up as a failed future after max.block.ms
            acks.add(producer.send(message));
            counts.merge(message.topic(), 1L, Long::sum);
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return counts;
    }

    /** The one place that decides topic, key and encoding of an input record. */
    private ProducerRecord<byte[], byte[]> toKafka(SpecificRecord record) {
        if (record instanceof InteractionEvent e) {
            return new ProducerRecord<>(interactionTopic, key(e.getConversationId()), interactions.encode(e));
        } else if (record instanceof SurveyResponse s) {
            return new ProducerRecord<>(surveyTopic, key(s.getCustomerId()), surveys.encode(s));
        }
        throw new IllegalArgumentException("not an input record: " + record.getClass());
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until everything sent so far is acknowledged. */
    public void flush() {
        producer.flush();
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + failed.getMessage(), failed);
        }
    }

    /** Records published so far per topic (both topics listed, also when nothing went to one). */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(interactionTopic, interactionCount);
        counts.merge(surveyTopic, surveyCount, Long::sum);
        return counts;
    }

    public long interactions() {
        return interactionCount;
    }

    public long surveys() {
        return surveyCount;
    }

    @Override
    public void close() {
        producer.close();
    }
}
