package io.touchpoint.cli;

import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxConnections;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.RetentionPolicy;
import io.touchpoint.ingest.RecordDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.influxdb.InfluxDB;

/** Fails fast with a one-line reason when Kafka or InfluxDB cannot be reached, before a job is started. */
public final class Preflight {

    private Preflight() {}

    public static void requireKafka(String bootstrap, Properties clientSettings) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof AuthenticationException) {
                    // the broker's own words say which mechanism failed; they never contain the password
                    throw new IllegalStateException("Kafka at " + bootstrap + " rejected the client credentials ("
                            + t.getClass().getSimpleName() + "); check kafka.client.sasl.* in the config file");
                }
            }
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap
                    + " (is it running? 'bin/touchpoint stack up' starts a local one)");
        }
    }

    /** Opens and closes one connection with the job's InfluxDB settings: wrong credentials fail here, at start-up. */
    public static void requireCredentials(org.apache.flink.configuration.Configuration config) {
        try {
            InfluxConnections.open(InfluxSettings.from(config)).close();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    public static void requireInflux(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("InfluxDB at " + url + " answered /ping with " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot reach InfluxDB at " + url
                    + " (is it running? 'bin/touchpoint stack up' starts a local one)");
        }
    }

    /** How many records at each end of a partition are decoded to find its first and last event time. */
    private static final int RECORDS_PER_END = 100;

    /**
     * For a bounded run: one line when its data starts before the horizon of the database's default retention
     * policy, saying how much of it InfluxDB will drop. Empty for a live run, a database that keeps points forever
     * or whose policies the user may not read, and data inside the horizon.
     */
    public static Optional<String> retentionNotice(org.apache.flink.configuration.Configuration config) {
        if (!config.get(MonitorOptions.BOUNDED)) {
            return Optional.empty();
        }
        InfluxSettings settings = InfluxSettings.from(config);
        Optional<RetentionPolicy> policy;
        try (InfluxDB influx = InfluxConnections.open(settings)) {
            policy = InfluxConnections.defaultRetention(influx, settings.database());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        if (policy.isEmpty() || policy.get().keepsForever()) {
            return Optional.empty();
        }
        long[] range = eventTimeRange(config);
        long now = System.currentTimeMillis();
        long horizon = now - policy.get().duration().toMillis();
        if (range == null || range[0] >= horizon) {
            return Optional.empty();
        }
        String start = "the data to process starts " + span(now - range[0]) + " ago ("
                + Instant.ofEpochMilli(range[0]).truncatedTo(ChronoUnit.MINUTES) + "), before the horizon of the "
                + "retention policy " + policy.get().describe() + " of database '" + settings.database() + "': ";
        String counted = " (counted in pipeline.points_outside_retention)";
        if (range[1] < horizon) {
            return Optional.of(start + "InfluxDB will drop all of it, " + span(range[1] - range[0]) + counted);
        }
        return Optional.of(start + "InfluxDB will drop its first " + span(horizon - range[0]) + counted);
    }

    /** {@code 7.0 days}, or {@code 5.5 hours} under a day. */
    static String span(long millis) {
        double hours = millis / 3_600_000.0;
        return hours >= 24 ? String.format(Locale.ROOT, "%.1f days", hours / 24)
                : String.format(Locale.ROOT, "%.1f hours", hours);
    }

    /**
     * The earliest and latest event time of the valid records at both ends of every input partition (producers
     * write in event-time order per partition), or null when the topics hold no valid record.
     */
    private static long[] eventTimeRange(org.apache.flink.configuration.Configuration config) {
        Properties props = MonitorConfig.kafkaClientProperties(config);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(MonitorOptions.KAFKA_BOOTSTRAP));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(RECORDS_PER_END));
        long now = System.currentTimeMillis();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (RecordDecoder.Kind kind : RecordDecoder.Kind.values()) {
                String topic = config.get(kind == RecordDecoder.Kind.INTERACTIONS
                        ? MonitorOptions.TOPIC_INTERACTIONS : MonitorOptions.TOPIC_SURVEYS);
                RecordDecoder decoder = new RecordDecoder(kind, config.get(MonitorOptions.FUTURE_TOLERANCE).toMillis(),
                        config.get(MonitorOptions.MAX_AGE).toMillis());
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                List<TopicPartition> partitions = infos == null ? List.of()
                        : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(5));
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
                for (TopicPartition p : partitions) {
                    long from = begin.get(p);
                    long to = end.get(p);
                    if (to <= from) {
                        continue;
                    }
                    long[] head = eventTimes(consumer, decoder, p, from, Math.min(to, from + RECORDS_PER_END), now);
                    long[] tail = eventTimes(consumer, decoder, p, Math.max(from, to - RECORDS_PER_END), to, now);
                    first = Math.min(first, Math.min(head[0], tail[0]));
                    last = Math.max(last, Math.max(head[1], tail[1]));
                }
            }
        } catch (RuntimeException e) {
            // The notice is advice; a topic that cannot be read here fails the job itself with its own reason.
            return null;
        }
        return first == Long.MAX_VALUE ? null : new long[] {first, last};
    }

    /** Min and max event time of the valid records at offsets [from, to) of one partition. */
    private static long[] eventTimes(KafkaConsumer<byte[], byte[]> consumer, RecordDecoder decoder, TopicPartition p,
            long from, long to, long now) {
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        consumer.assign(List.of(p));
        consumer.seek(p, from);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long next = from;
        while (next < to && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                next = r.offset() + 1;
                if (r.offset() >= to || r.value() == null) {
                    continue;
                }
                long t = decoder.decode(p.topic(), p.partition(), r.offset(), r.value(), now).eventTime();
                if (t != Long.MIN_VALUE) {
                    range[0] = Math.min(range[0], t);
                    range[1] = Math.max(range[1], t);
                }
            }
        }
        return range;
    }
}
