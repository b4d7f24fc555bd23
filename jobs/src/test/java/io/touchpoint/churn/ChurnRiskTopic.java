package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.ChurnRiskSignal;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.testing.LocalServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what a finished run wrote to the churn-risk topic. */
final class ChurnRiskTopic {

    private ChurnRiskTopic() {}

    /** Every signal on the topic, in topic order, once nothing more came for 3 s; each keyed by its customer. */
    static List<ChurnRiskSignal> readAll(LocalServices services) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", services.kafka.bootstrapServers());
        props.put("group.id", "churn-risk-reader");
        props.put("auto.offset.reset", "earliest");
        SingleObjectCodec<ChurnRiskSignal> codec = SingleObjectCodec.churnSignals();
        List<ChurnRiskSignal> signals = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(services.prefix + ".churn-risk"));
            int quiet = 0;
            while (quiet < 6) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ChurnRiskSignal signal = codec.decode(r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(signal.getCustomerId());
                    signals.add(signal);
                }
            }
        }
        return signals;
    }
}
