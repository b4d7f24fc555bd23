package io.touchpoint.churn;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.ChurnReason;
import io.touchpoint.avro.ChurnRiskSignal;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** Level changes to {@code cx.churn-risk} as single-object encoded {@code ChurnRiskSignal}s, keyed by customer. */
public final class ChurnSignals {

    private ChurnSignals() {}

    public static KafkaSink<LevelChange> sink(Configuration config) {
        return KafkaSink.<LevelChange>builder()
                .setBootstrapServers(config.get(MonitorOptions.KAFKA_BOOTSTRAP))
                .setKafkaProducerConfig(MonitorConfig.kafkaClientProperties(config))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(KafkaRecordSerializationSchema.<LevelChange>builder()
                        .setTopic(config.get(MonitorOptions.TOPIC_CHURN_RISK))
                        .setKeySerializationSchema(
                                (SerializationSchema<LevelChange>) c -> c.customerId.getBytes(StandardCharsets.UTF_8))
                        .setValueSerializationSchema(new Encoder())
                        .build())
                .build();
    }

    public static ChurnRiskSignal toAvro(LevelChange c) {
        List<ChurnReason> reasons = new ArrayList<>();
        for (int i = 0; i < c.reasonSignals.length; i++) {
            reasons.add(new ChurnReason(c.reasonSignals[i], c.reasonPoints[i], Instant.ofEpochMilli(c.reasonTimes[i])));
        }
        return ChurnRiskSignal.newBuilder()
                .setCustomerId(c.customerId)
                .setOccurredAt(Instant.ofEpochMilli(c.at))
                .setScore(c.score)
                .setLevel(c.level)
                .setPreviousLevel(c.previousLevel)
                .setChannel(Channel.valueOf(c.channel.toUpperCase(Locale.ROOT)))
                .setTouchpoint(c.touchpoint)
                .setReasons(reasons)
                .build();
    }

    /** Encodes one level change. */
    public static final class Encoder implements SerializationSchema<LevelChange> {
        private static final long serialVersionUID = 1L;
        private transient SingleObjectCodec<ChurnRiskSignal> codec;

        @Override
        public byte[] serialize(LevelChange change) {
            if (codec == null) {
                codec = SingleObjectCodec.churnSignals();
            }
            return codec.encode(toAvro(change));
        }
    }
}
