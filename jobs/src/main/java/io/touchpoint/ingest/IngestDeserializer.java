package io.touchpoint.ingest;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes and validates in the Kafka source itself, so that the per-partition watermark generators see event
 * times and are never moved by a record that is about to become a dead letter.
 */
public class IngestDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    private static final long serialVersionUID = 1L;

    private final RecordDecoder decoder;

    public IngestDeserializer(RecordDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) throws IOException {
        out.collect(decoder.decode(
                record.topic(), record.partition(), record.offset(), record.value(), System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
