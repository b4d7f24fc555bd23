package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.DeadLetter;
import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on real components: a known mix of valid, malformed, duplicate, late and
 * too-late records is published to a real Kafka broker, the job runs bounded on a mini-cluster, and exact point
 * values are read back from a real influxd. Every expected number is computed by hand in the comments.
 */
class MonitorJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String INTERACTIONS = "it.interactions";
    private static final String SURVEYS = "it.surveys";
    private static final String DEAD_LETTER = "it.dead-letter";
    private static final String DB = "touchpoint_it";

    /** Three hours before the current hour: every event is in the past, so none is FUTURE_TIMESTAMP by accident. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static LocalInflux influx;
    private static final List<byte[]> rejectedPayloads = new ArrayList<>();

    @BeforeAll
    static void runJobOnKnownMix() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        kafka.createTopics(3, INTERACTIONS);
        kafka.createTopics(1, SURVEYS, DEAD_LETTER);
        publishSurveys();
        publishInteractions();

        Configuration config = new Configuration();
        config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        config.set(MonitorOptions.TOPIC_INTERACTIONS, INTERACTIONS);
        config.set(MonitorOptions.TOPIC_SURVEYS, SURVEYS);
        config.set(MonitorOptions.TOPIC_DEAD_LETTER, DEAD_LETTER);
        config.set(MonitorOptions.INFLUX_URL, influx.url());
        config.set(MonitorOptions.INFLUX_DATABASE, DB);
        config.set(MonitorOptions.BOUNDED, true);
        config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        MonitorMain.job(config).execute(env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (influx != null) {
            influx.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    private static long at(String mmss) {
        String[] p = mmss.split(":");
        return BASE.plus(Duration.ofMinutes(Long.parseLong(p[0])).plusMillis((long) (Double.parseDouble(p[1]) * 1000)))
                .toEpochMilli();
    }

    private static SurveyResponse survey(String id, String time, Channel channel, String touchpoint, SurveyType type,
            int score) {
        return SurveyResponse.newBuilder().setResponseId(id).setOccurredAt(Instant.ofEpochMilli(at(time)))
                .setChannel(channel).setTouchpoint(touchpoint).setCustomerId("cust-" + id).setSurvey(type)
                .setScore(score).build();
    }

    private static void publishSurveys() {
        SingleObjectCodec<SurveyResponse> codec = SingleObjectCodec.surveys();
        List<byte[]> records = new ArrayList<>();
        records.add(codec.encode(survey("r1", "00:05", Channel.CHAT, "billing", SurveyType.NPS, 10)));
        records.add(codec.encode(survey("r2", "00:10", Channel.CHAT, "billing", SurveyType.NPS, 9)));
        records.add(codec.encode(survey("r3", "00:20", Channel.CHAT, "Billing", SurveyType.NPS, 3)));
        records.add(codec.encode(survey("r4", "00:25", Channel.CHAT, "Orders", SurveyType.NPS, 10)));
        records.add(codec.encode(survey("r5", "01:10", Channel.CHAT, null, SurveyType.NPS, 7)));
        records.add(codec.encode(survey("r6", "00:15", Channel.EMAIL, null, SurveyType.CSAT, 5)));
        records.add(codec.encode(survey("r7", "00:16", Channel.EMAIL, null, SurveyType.CSAT, 4)));
        records.add(codec.encode(survey("r8", "00:17", Channel.EMAIL, null, SurveyType.CSAT, 2)));
        records.add(codec.encode(survey("r9", "00:30", Channel.PHONE, null, SurveyType.CES, 2)));
        records.add(codec.encode(survey("r10", "00:31", Channel.PHONE, null, SurveyType.CES, 5)));
        // duplicate of r1 (a different score: it must not count)
        records.add(codec.encode(survey("r1", "00:06", Channel.CHAT, "billing", SurveyType.NPS, 0)));
        records.add(reject(codec.encode(survey("r11", "00:12", Channel.CHAT, "billing", SurveyType.NPS, 11))));
        records.add(reject("not avro at all".getBytes(StandardCharsets.UTF_8)));
        byte[] unknown = codec.encode(survey("r18", "00:13", Channel.CHAT, "billing", SurveyType.NPS, 9));
        unknown[4] ^= 0x7f;
        records.add(reject(unknown));
        records.add(olderVersionCsat("r17", "00:35", 5));
        // a lone record half an hour ahead does not move the watermark (docs/design.md, "Bad clocks"): it waits
        records.add(codec.encode(survey("r12", "30:00", Channel.SMS, null, SurveyType.NPS, 8)));
        records.add(codec.encode(survey("r13", "00:40", Channel.CHAT, "billing", SurveyType.NPS, 0)));
        // 16 records from 2:00:00 to 2:00:15 are a quorum: the watermark moves to 2:00:15 - 10 s; r15's minute closed
        // at 1:00, more than an hour before: TOO_LATE
        records.add(codec.encode(survey("r14", "120:00", Channel.SMS, null, SurveyType.NPS, 8)));
        for (int i = 1; i < 16; i++) {
            records.add(codec.encode(survey("r14-" + i, "120:" + i, Channel.SMS, null, SurveyType.NPS, 8)));
        }
        records.add(reject(codec.encode(survey("r15", "00:50", Channel.CHAT, "billing", SurveyType.NPS, 0))));
        SurveyResponse future = survey("r16", "00:00", Channel.CHAT, "billing", SurveyType.NPS, 9);
        future.setOccurredAt(Instant.now().plus(Duration.ofHours(1)));
        records.add(reject(codec.encode(future)));
        send(SURVEYS, records);
    }

    /** A survey written by a producer still on schema version 1 (no comment field). */
    private static byte[] olderVersionCsat(String id, String time, int score) {
        Schema v1 = SingleObjectCodec.surveys().writerSchemas().get(1);
        GenericRecord r = new GenericData.Record(v1);
        r.put("response_id", id);
        r.put("occurred_at", at(time));
        r.put("channel", new GenericData.EnumSymbol(v1.getField("channel").schema(), "EMAIL"));
        r.put("touchpoint", null);
        r.put("customer_id", "cust-" + id);
        r.put("conversation_id", null);
        r.put("survey", new GenericData.EnumSymbol(v1.getField("survey").schema(), "CSAT"));
        r.put("score", score);
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static InteractionEvent event(String id, String conversation, String time, Channel channel,
            String touchpoint, InteractionType type) {
        return InteractionEvent.newBuilder().setEventId(id).setOccurredAt(Instant.ofEpochMilli(at(time)))
                .setChannel(channel).setTouchpoint(touchpoint).setCustomerId("cust-" + conversation)
                .setConversationId(conversation).setType(type).build();
    }

    private static void publishInteractions() {
        SingleObjectCodec<InteractionEvent> codec = SingleObjectCodec.interactions();
        List<InteractionEvent> events = List.of(
                event("a1", "A", "00:05", Channel.CHAT, "billing", InteractionType.CONVERSATION_OPENED),
                event("a2", "A", "00:07", Channel.CHAT, "billing", InteractionType.BOT_MESSAGE),
                event("a3", "A", "00:40", Channel.CHAT, "billing", InteractionType.AGENT_MESSAGE),
                event("a4", "A", "01:30", Channel.CHAT, "billing", InteractionType.CONVERSATION_RESOLVED),
                event("b1", "B", "00:10", Channel.EMAIL, null, InteractionType.CUSTOMER_MESSAGE),
                event("b1", "B", "00:10", Channel.EMAIL, null, InteractionType.CUSTOMER_MESSAGE),
                event("b2", "B", "02:00", Channel.EMAIL, null, InteractionType.AGENT_MESSAGE),
                event("c1", "C", "00:20", Channel.PHONE, null, InteractionType.CONVERSATION_OPENED),
                event("c2", "C", "00:50", Channel.PHONE, null, InteractionType.CANCELLATION_REQUESTED));
        List<byte[]> records = new ArrayList<>();
        for (InteractionEvent e : events) {
            records.add(codec.encode(e));
        }
        records.add(reject(codec.encode(event("", "D", "00:30", Channel.CHAT, null, InteractionType.OTHER))));
        InteractionEvent angry = event("e1", "E", "00:30", Channel.SOCIAL, null, InteractionType.CUSTOMER_MESSAGE);
        angry.setSentiment(2.0f);
        records.add(reject(codec.encode(angry)));
        send(INTERACTIONS, records);
    }

    private static byte[] reject(byte[] payload) {
        rejectedPayloads.add(payload);
        return payload;
    }

    private static void send(String topic, List<byte[]> records) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records.size(); i++) {
                // keyed like real producers; one key per record spreads them over the partitions
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), records.get(i)));
            }
            producer.flush();
        }
    }

    private static InfluxRows influxRows() {
        return new InfluxRows(influx.url(), DB);
    }

    private static double d(Map<String, Object> row, String field) {
        return ((Number) row.get(field)).doubleValue();
    }

    @Test
    void npsPerChannelOneMinuteWithTheLateUpdate() {
        try (InfluxRows rows = influxRows()) {
            // minute 0 of chat: 10, 9, 3, 10 and the late 0 -> 3 promoters, 0 passives, 2 detractors
            Map<String, Object> p = rows.one("SELECT * FROM nps WHERE channel = 'chat' AND \"window\" = '1m' AND time = "
                    + at("01:00") + "ms");
            assertThat(d(p, "responses")).isEqualTo(5);
            assertThat(d(p, "promoters")).isEqualTo(3);
            assertThat(d(p, "passives")).isEqualTo(0);
            assertThat(d(p, "detractors")).isEqualTo(2);
            assertThat(d(p, "nps")).isEqualTo(20.0);
            // n' = 8, p' = 3.75/8, d' = 2.75/8: 100 * (0.125 -/+ 1.96 * sqrt((0.8125 - 0.015625) / 8))
            assertThat(d(p, "nps_ci95_low")).isCloseTo(-49.3595, within(1e-4));
            assertThat(d(p, "nps_ci95_high")).isCloseTo(74.3595, within(1e-4));
        }
    }

    @Test
    void npsRollingHour() {
        try (InfluxRows rows = influxRows()) {
            // window ending 2:00 holds minutes 0 and 1: 10, 9, 3, 10, 0, 7 -> P3 Pa1 D2, nps 100/6
            Map<String, Object> p = rows.one("SELECT * FROM nps WHERE channel = 'chat' AND \"window\" = '1h' AND time = "
                    + at("02:00") + "ms");
            assertThat(d(p, "responses")).isEqualTo(6);
            assertThat(d(p, "passives")).isEqualTo(1);
            assertThat(d(p, "nps")).isCloseTo(100.0 / 6, within(1e-9));
            assertThat(d(p, "nps_ci95_low")).isCloseTo(-43.9349, within(1e-4));
            assertThat(d(p, "nps_ci95_high")).isCloseTo(66.1572, within(1e-4));
            // rolling points of chat: windows ending 1:00 .. 61:00 (the last holds only minute 1)
            List<Map<String, Object>> all = rows.query(
                    "SELECT responses FROM nps WHERE channel = 'chat' AND \"window\" = '1h'");
            assertThat(all).hasSize(61);
            assertThat(all.get(60).get("time")).isEqualTo(at("61:00"));
            assertThat(d(all.get(60), "responses")).isEqualTo(1);
        }
    }

    @Test
    void npsPerTouchpointIsLowerCasedWithUnknownForNull() {
        try (InfluxRows rows = influxRows()) {
            Map<String, Object> billing = rows.one("SELECT * FROM nps_touchpoint WHERE channel = 'chat' AND "
                    + "touchpoint = 'billing' AND \"window\" = '1m' AND time = " + at("01:00") + "ms");
            // 10, 9, 3 ("Billing" lower-cased) and the late 0: P2 D2
            assertThat(d(billing, "responses")).isEqualTo(4);
            assertThat(d(billing, "nps")).isEqualTo(0.0);
            Map<String, Object> orders = rows.one("SELECT * FROM nps_touchpoint WHERE touchpoint = 'orders' AND "
                    + "\"window\" = '1m'");
            assertThat(d(orders, "nps")).isEqualTo(100.0);
            assertThat(d(orders, "nps_ci95_low")).isEqualTo(-48.5);
            assertThat(d(orders, "nps_ci95_high")).isEqualTo(98.5);
            Map<String, Object> unknown = rows.one("SELECT * FROM nps_touchpoint WHERE channel = 'chat' AND touchpoint = 'unknown' AND "
                    + "\"window\" = '1m'");
            assertThat(unknown.get("time")).isEqualTo(at("02:00"));
            assertThat(d(unknown, "passives")).isEqualTo(1);
        }
    }

    @Test
    void csatIncludesTheOlderSchemaVersionAndCesIsTheMean() {
        try (InfluxRows rows = influxRows()) {
            // 5, 4, 2 and 5 from the version-1 producer: 3 of 4 satisfied
            Map<String, Object> csat = rows.one("SELECT * FROM csat WHERE channel = 'email' AND \"window\" = '1m'");
            assertThat(d(csat, "responses")).isEqualTo(4);
            assertThat(d(csat, "satisfied")).isEqualTo(3);
            assertThat(d(csat, "csat")).isEqualTo(75.0);
            Map<String, Object> ces = rows.one("SELECT * FROM ces WHERE channel = 'phone' AND \"window\" = '1m'");
            assertThat(d(ces, "responses")).isEqualTo(2);
            assertThat(d(ces, "ces_mean")).isEqualTo(3.5);
        }
    }

    @Test
    void interactionVolumePerMinuteWithoutDuplicates() {
        try (InfluxRows rows = influxRows()) {
            Map<String, Object> chat = rows.one("SELECT * FROM interactions WHERE channel = 'chat' AND time = "
                    + at("01:00") + "ms");
            assertThat(d(chat, "events")).isEqualTo(3);
            assertThat(d(chat, "conversations_opened")).isEqualTo(1);
            assertThat(d(chat, "bot_messages")).isEqualTo(1);
            assertThat(d(chat, "agent_messages")).isEqualTo(1);
            Map<String, Object> email = rows.one("SELECT * FROM interactions WHERE channel = 'email' AND time = "
                    + at("01:00") + "ms");
            assertThat(d(email, "events")).isEqualTo(1);
            assertThat(d(email, "customer_messages")).isEqualTo(1);
            Map<String, Object> phone = rows.one("SELECT * FROM interactions WHERE channel = 'phone'");
            assertThat(d(phone, "events")).isEqualTo(2);
            assertThat(d(phone, "cancellations")).isEqualTo(1);
            assertThat(rows.query("SELECT * FROM interactions WHERE channel = 'social'")).isEmpty();
        }
    }

    @Test
    void pipelineCountsAddUp() {
        try (InfluxRows rows = influxRows()) {
            Map<String, Object> surveys = rows.one("SELECT sum(records_in) AS r, sum(dead_letter) AS dl, "
                    + "sum(duplicates) AS dup, sum(too_late) AS tl FROM pipeline WHERE source = '" + SURVEYS + "'");
            assertThat(d(surveys, "r")).isEqualTo(35);
            assertThat(d(surveys, "dl")).isEqualTo(5);
            assertThat(d(surveys, "dup")).isEqualTo(1);
            assertThat(d(surveys, "tl")).isEqualTo(1);
            Map<String, Object> interactions = rows.one("SELECT sum(records_in) AS r, sum(dead_letter) AS dl, "
                    + "sum(duplicates) AS dup, sum(too_late) AS tl FROM pipeline WHERE source = '" + INTERACTIONS + "'");
            assertThat(d(interactions, "r")).isEqualTo(11);
            assertThat(d(interactions, "dl")).isEqualTo(2);
            assertThat(d(interactions, "dup")).isEqualTo(1);
            assertThat(d(interactions, "tl")).isEqualTo(0);
        }
    }

    @Test
    void everyRejectedRecordIsADeadLetterWithItsReasonAndOriginalBytes() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("group.id", "it-dead-letters");
        props.put("auto.offset.reset", "earliest");
        List<DeadLetter> letters = new ArrayList<>();
        SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.deadLetters();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DEAD_LETTER));
            long deadline = System.currentTimeMillis() + 30_000;
            while (letters.size() < 7 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    letters.add(codec.decode(r.value()));
                }
            }
            assertThat(consumer.poll(Duration.ofSeconds(1)).count()).isZero();
        } catch (io.touchpoint.schemas.CodecException e) {
            throw new AssertionError(e);
        }
        assertThat(letters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                DeadLetterReason.OUT_OF_RANGE, DeadLetterReason.DECODE_ERROR, DeadLetterReason.UNKNOWN_SCHEMA,
                DeadLetterReason.TOO_LATE, DeadLetterReason.FUTURE_TIMESTAMP, DeadLetterReason.INVALID_FIELD,
                DeadLetterReason.OUT_OF_RANGE);
        List<ByteBuffer> payloads = letters.stream().map(DeadLetter::getPayload).toList();
        assertThat(payloads).containsExactlyInAnyOrderElementsOf(
                rejectedPayloads.stream().map(ByteBuffer::wrap).toList());
        assertThat(letters).filteredOn(l -> l.getReason() == DeadLetterReason.INVALID_FIELD)
                .extracting(DeadLetter::getSourceTopic, DeadLetter::getDetail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(INTERACTIONS, "event_id is empty"));
    }
}
