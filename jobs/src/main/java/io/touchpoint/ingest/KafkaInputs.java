package io.touchpoint.ingest;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.avro.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka sources of the input topics and the dead-letter sink, built from the configuration. */
public final class KafkaInputs {

    private KafkaInputs() {}

    public static Source<Ingested, ?, ?> source(Configuration config, RecordDecoder.Kind kind) {
        String topic = config.get(kind == RecordDecoder.Kind.INTERACTIONS
                ? MonitorOptions.TOPIC_INTERACTIONS
                : MonitorOptions.TOPIC_SURVEYS);
        boolean bounded = config.get(MonitorOptions.BOUNDED);
        Properties client = MonitorConfig.kafkaClientProperties(config);
        client.setProperty("client.id.prefix", "touchpoint-" + kind.name().toLowerCase());
        KafkaSourceBuilder<Ingested> builder = KafkaSource.<Ingested>builder()
                .setBootstrapServers(config.get(MonitorOptions.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(config.get(MonitorOptions.KAFKA_GROUP_ID))
                .setProperties(client)
                .setDeserializer(new IngestDeserializer(
                        new RecordDecoder(kind, config.get(MonitorOptions.FUTURE_TOLERANCE).toMillis(),
                                config.get(MonitorOptions.MAX_AGE).toMillis())));
        if (bounded) {
            builder.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
            return new RestorableBoundedSource<>(builder.build());
        }
        builder.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        return builder.build();
    }

    /** Dead letters as single-object encoded {@code DeadLetter} records, keyed by source topic. */
    public static KafkaSink<Ingested> deadLetterSink(Configuration config) {
        String topic = config.get(MonitorOptions.TOPIC_DEAD_LETTER);
        return KafkaSink.<Ingested>builder()
                .setBootstrapServers(config.get(MonitorOptions.KAFKA_BOOTSTRAP))
                .setKafkaProducerConfig(MonitorConfig.kafkaClientProperties(config))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(KafkaRecordSerializationSchema.<Ingested>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(
                                (SerializationSchema<Ingested>) in -> in.topic.getBytes(StandardCharsets.UTF_8))
                        .setValueSerializationSchema(new DeadLetterSerializer())
                        .build())
                .build();
    }

    /** Encodes a rejected record as a {@code DeadLetter} with its original bytes untouched. */
    public static final class DeadLetterSerializer implements SerializationSchema<Ingested> {
        private static final long serialVersionUID = 1L;
        private transient SingleObjectCodec<DeadLetter> codec;

        @Override
        public byte[] serialize(Ingested in) {
            if (codec == null) {
                codec = SingleObjectCodec.deadLetters();
            }
            return codec.encode(toDeadLetter(in));
        }
    }

    public static DeadLetter toDeadLetter(Ingested in) {
        return DeadLetter.newBuilder()
                .setSourceTopic(in.topic)
                .setPartition(in.partition)
                .setOffset(in.offset)
                .setReceivedAt(Instant.ofEpochMilli(in.receivedAt))
                .setReason(in.rejection)
                .setDetail(in.detail == null ? "" : in.detail)
                .setPayload(java.nio.ByteBuffer.wrap(in.payload == null ? new byte[0] : in.payload))
                .build();
    }
}
