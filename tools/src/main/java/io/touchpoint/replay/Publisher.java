package io.touchpoint.replay;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
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
        if (record instanceof InteractionEvent e) {
            send(interactionTopic, e.getConversationId(), interactions.encode(e));
            interactionCount++;
        } else if (record instanceof SurveyResponse s) {
            send(surveyTopic, s.getCustomerId(), surveys.encode(s));
            surveyCount++;
        } else {
            throw new IllegalArgumentException("not an input record: " + record.getClass());
        }
    }

    private void send(String topic, String key, byte[] value) {
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + failed.getMessage(), failed);
        }
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
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
