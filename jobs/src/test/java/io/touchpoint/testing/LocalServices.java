package io.touchpoint.testing;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A real Kafka broker and influxd on free loopback ports for one test class, and the job settings to use them. */
public final class LocalServices implements AutoCloseable {

    public final LocalKafka kafka;
    public final LocalInflux influx;
    public final String prefix;
    private final Path dir;

    private LocalServices(LocalKafka kafka, LocalInflux influx, String prefix, Path dir) {
        this.kafka = kafka;
        this.influx = influx;
        this.prefix = prefix;
        this.dir = dir;
    }

    /** Starts both; topics are {@code PREFIX.interactions} (3 partitions), {@code PREFIX.surveys}, ... */
    public static LocalServices start(Path dir, String prefix) throws Exception {
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        kafka.createTopics(3, prefix + ".interactions");
        kafka.createTopics(1, prefix + ".surveys", prefix + ".dead-letter", prefix + ".churn-risk");
        return new LocalServices(kafka, influx, prefix, dir);
    }

    public String interactions() {
        return prefix + ".interactions";
    }

    public String surveys() {
        return prefix + ".surveys";
    }

    public String database() {
        return prefix.replace('.', '_').replace('-', '_');
    }

    /** Job settings pointing at these services; bounded unless changed. */
    public Configuration config() {
        Configuration config = new Configuration();
        config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        config.set(MonitorOptions.TOPIC_INTERACTIONS, interactions());
        config.set(MonitorOptions.TOPIC_SURVEYS, surveys());
        config.set(MonitorOptions.TOPIC_DEAD_LETTER, prefix + ".dead-letter");
        config.set(MonitorOptions.TOPIC_CHURN_RISK, prefix + ".churn-risk");
        config.set(MonitorOptions.INFLUX_URL, influx.url());
        config.set(MonitorOptions.INFLUX_DATABASE, database());
        config.set(MonitorOptions.BOUNDED, true);
        config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
        config.set(MonitorOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
        return config;
    }

    /** Sends raw values, each with its own key, in order. */
    public void send(String topic, List<byte[]> values) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
            producer.flush();
        }
    }

    public InfluxRows rows() {
        return new InfluxRows(influx.url(), database());
    }

    @Override
    public void close() {
        influx.stop();
        kafka.stop();
    }
}
