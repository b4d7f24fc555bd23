package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackITCase {

    @TempDir
    Path dir;

    @Test
    void kafkaCarriesARecordAndStopsCleanly() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        int port = kafka.port();
        try {
            kafka.createTopics(2, "t1");
            kafka.createTopics(2, "t1"); // idempotent
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("t1", 0, new byte[] {7}, new byte[] {1, 2, 3})).get();
            }
            p.put("group.id", "g");
            p.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("t1"));
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                for (int i = 0; i < 40 && records.isEmpty(); i++) {
                    records = consumer.poll(Duration.ofMillis(500));
                }
                assertThat(records.count()).isEqualTo(1);
                assertThat(records.iterator().next().value()).containsExactly(1, 2, 3);
                assertThat(records.iterator().next().key()).containsExactly(7);
            }
        } finally {
            kafka.stop();
        }
        assertThat(Ports.inUse(port)).isFalse();
    }

    @Test
    void influxdStoresAPointAndStopsCleanly() throws Exception {
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        int port = influx.port();
        try {
            HttpClient http = HttpClient.newHttpClient();
            http.send(post(influx.url() + "/query", "q=" + enc("CREATE DATABASE t")), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> write = http.send(
                    HttpRequest.newBuilder(URI.create(influx.url() + "/write?db=t&precision=ms"))
                            .POST(HttpRequest.BodyPublishers.ofString("m,channel=chat v=42i 1700000000000")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(write.statusCode()).isEqualTo(204);
            HttpResponse<String> read = http.send(
                    HttpRequest.newBuilder(URI.create(influx.url() + "/query?db=t&epoch=ms&q=" + enc("SELECT v FROM m")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.body()).contains("[1700000000000,42]");
        } finally {
            influx.stop();
        }
        assertThat(Ports.inUse(port)).isFalse();
    }

    private static HttpRequest post(String url, String form) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
