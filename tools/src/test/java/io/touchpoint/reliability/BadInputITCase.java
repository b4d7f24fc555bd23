package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.LocalServices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * More than 10,000 malformed records interleaved with valid traffic: the job runs to the end without a single
 * restart (the restart strategy is off, so any failure fails the test), every record is counted either in a
 * measurement or as a dead letter — the counts add up exactly — and no series is created from an injected name.
 * Also: 10,000 distinct touchpoints on one channel produce at most the configured number of tags plus "other".
 */
class BadInputITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    private final Random random = new Random(17);
    private final SingleObjectCodec<InteractionEvent> interactionCodec = SingleObjectCodec.interactions();
    private final SingleObjectCodec<SurveyResponse> surveyCodec = SingleObjectCodec.surveys();

    @Test
    void malformedRecordsAreContainedAndCounted() throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        List<byte[]> interactions = new ArrayList<>();
        List<byte[]> surveys = new ArrayList<>();
        long validInteractions = 0;
        long validSurveys = 0;
        long badInteractions = 0;
        long badSurveys = 0;
        Simulator simulator = new Simulator(Scenario.steady().daytimeAllDay(), end.minus(Duration.ofHours(3)),
                Duration.ofHours(3), 4);
        int n = 0;
        while (simulator.hasNext()) {
            SpecificRecord r = simulator.next();
            // line-protocol metacharacters in otherwise valid touchpoints must be escaped, not interpreted
            if (n % 50 == 0 && r instanceof SurveyResponse s && s.getSurvey() == SurveyType.NPS) {
                s.setTouchpoint("inject,channel=x y=\"1\"");
            }
            if (r instanceof InteractionEvent e) {
                interactions.add(interactionCodec.encode(e));
                validInteractions++;
                for (int k = 0; k < 2; k++) {
                    interactions.add(badInteraction(e));
                    badInteractions++;
                }
            } else {
                surveys.add(surveyCodec.encode((SurveyResponse) r));
                validSurveys++;
                for (int k = 0; k < 3; k++) {
                    surveys.add(badSurvey((SurveyResponse) r));
                    badSurveys++;
                }
            }
            n++;
        }
        assertThat(badInteractions + badSurveys).isGreaterThan(10_000);

        try (LocalServices services = LocalServices.start(dir, "bad")) {
            services.send(services.interactions(), interactions);
            services.send(services.surveys(), surveys);
            Configuration config = services.config();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Configuration noRestarts = new Configuration();
            noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            env.configure(noRestarts);
            env.setParallelism(2);
            MonitorMain.job(config).execute(env);

            try (InfluxRows rows = services.rows()) {
                Map<String, Object> in = rows.one("SELECT sum(records_in) AS r, sum(dead_letter) AS dl, "
                        + "sum(duplicates) AS dup FROM pipeline WHERE source = '" + services.interactions() + "'");
                assertThat(n(in, "r")).isEqualTo(interactions.size());
                assertThat(n(in, "dl")).isEqualTo(badInteractions);
                assertThat(n(in, "dup")).isZero();
                Map<String, Object> sv = rows.one("SELECT sum(records_in) AS r, sum(dead_letter) AS dl, "
                        + "sum(duplicates) AS dup FROM pipeline WHERE source = '" + services.surveys() + "'");
                assertThat(n(sv, "r")).isEqualTo(surveys.size());
                assertThat(n(sv, "dl")).isEqualTo(badSurveys);
                // every valid record is counted in a measurement
                assertThat(n(rows.one("SELECT sum(events) AS e FROM interactions"), "e")).isEqualTo(validInteractions);
                long answered = 0;
                for (String m : List.of("nps", "csat", "ces")) {
                    answered += n(rows.one("SELECT sum(responses) AS r FROM " + m + " WHERE \"window\" = '1m'"), "r");
                }
                assertThat(answered).isEqualTo(validSurveys);
                // nothing injected a measurement, a tag key or a field
                assertThat(rows.query("SHOW MEASUREMENTS")).extracting(r -> (String) r.get("name"))
                        .isSubsetOf("nps", "nps_touchpoint", "csat", "ces", "interactions", "first_response",
                                "backlog", "churn_risk", "pipeline", "csat_touchpoint", "ces_touchpoint");
                assertThat(rows.query("SHOW TAG KEYS")).extracting(r -> (String) r.get("tagKey"))
                        .isSubsetOf("channel", "window", "touchpoint", "source");
                assertThat(rows.query("SHOW TAG VALUES FROM nps WITH KEY = \"channel\""))
                        .extracting(r -> (String) r.get("value"))
                        .isSubsetOf("phone", "email", "chat", "social", "sms", "web", "app", "store", "other");
                assertThat(rows.query("SHOW TAG VALUES FROM nps_touchpoint WITH KEY = \"touchpoint\""))
                        .extracting(r -> (String) r.get("value")).contains("inject,channel=x y=\"1\"");
            }
            assertThat(countRecords(services, services.prefix + ".dead-letter")).isEqualTo(badInteractions + badSurveys);
        }
    }

    @Test
    void tenThousandTouchpointsOnOneChannelStayWithinTheLimit() throws Exception {
        long at = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30)).toEpochMilli();
        List<byte[]> surveys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            surveys.add(surveyCodec.encode(SurveyResponse.newBuilder().setResponseId("r" + i)
                    .setOccurredAt(Instant.ofEpochMilli(at + i)).setChannel(Channel.CHAT).setTouchpoint("tp-" + i)
                    .setCustomerId("c" + i).setSurvey(SurveyType.NPS).setScore(i % 11).build()));
        }
        try (LocalServices services = LocalServices.start(dir, "cardinality")) {
            services.send(services.surveys(), surveys);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            MonitorMain.job(services.config()).execute(env);
            try (InfluxRows rows = services.rows()) {
                List<Map<String, Object>> values = rows.query(
                        "SHOW TAG VALUES FROM nps_touchpoint WITH KEY = \"touchpoint\" WHERE channel = 'chat'");
                assertThat(values).hasSize(MonitorOptions.MAX_TOUCHPOINTS.defaultValue() + 1);
                assertThat(values).extracting(r -> r.get("value")).contains("other");
                // nothing is lost: the touchpoint points of the minute add up to all 10,000 answers
                assertThat(n(rows.one("SELECT sum(responses) AS r FROM nps_touchpoint WHERE \"window\" = '1m'"), "r"))
                        .isEqualTo(10_000);
            }
        }
    }

    private byte[] badInteraction(InteractionEvent valid) {
        InteractionEvent e = InteractionEvent.newBuilder(valid).build();
        return switch (random.nextInt(9)) {
            case 0 -> randomBytes();
            case 1 -> truncated(interactionCodec.encode(e));
            case 2 -> unknownFingerprint(interactionCodec.encode(e));
            case 3 -> interactionCodec.encode(withEventId(e, ""));
            case 4 -> interactionCodec.encode(withEventId(e, "x".repeat(10_000)));
            case 5 -> {
                e.setTouchpoint("line\nbreak,t=1 2");
                yield interactionCodec.encode(e);
            }
            case 6 -> {
                e.setSentiment(random.nextBoolean() ? 3.5f : Float.NaN);
                yield interactionCodec.encode(e);
            }
            case 7 -> {
                e.setOccurredAt(Instant.now().plus(Duration.ofDays(1 + random.nextInt(3000))));
                yield interactionCodec.encode(e);
            }
            default -> {
                e.setCustomerId("");
                e.setType(InteractionType.OTHER);
                yield interactionCodec.encode(e);
            }
        };
    }

    private byte[] badSurvey(SurveyResponse valid) {
        SurveyResponse s = SurveyResponse.newBuilder(valid).build();
        return switch (random.nextInt(8)) {
            case 0 -> randomBytes();
            case 1 -> truncated(surveyCodec.encode(s));
            case 2 -> unknownFingerprint(surveyCodec.encode(s));
            case 3 -> {
                s.setScore(s.getSurvey() == SurveyType.NPS ? 11 + random.nextInt(100) : -1 - random.nextInt(5));
                yield surveyCodec.encode(s);
            }
            case 4 -> {
                s.setTouchpoint("t".repeat(65));
                yield surveyCodec.encode(s);
            }
            case 5 -> {
                s.setComment("c".repeat(4097));
                yield surveyCodec.encode(s);
            }
            case 6 -> {
                s.setResponseId("");
                yield surveyCodec.encode(s);
            }
            default -> {
                s.setOccurredAt(Instant.parse("2999-12-31T23:59:59Z"));
                yield surveyCodec.encode(s);
            }
        };
    }

    private static InteractionEvent withEventId(InteractionEvent e, String id) {
        e.setEventId(id);
        return e;
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] truncated(byte[] valid) {
        return Arrays.copyOf(valid, 10 + random.nextInt(Math.max(1, valid.length - 12)));
    }

    private static byte[] unknownFingerprint(byte[] valid) {
        byte[] copy = valid.clone();
        copy[6] ^= 0x5a;
        return copy;
    }

    private static long n(Map<String, Object> row, String field) {
        return ((Number) row.get(field)).longValue();
    }

    private static long countRecords(LocalServices services, String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", services.kafka.bootstrapServers());
        props.put("group.id", "count-" + topic);
        props.put("auto.offset.reset", "earliest");
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int emptyPolls = 0;
            while (emptyPolls < 6) {
                int got = consumer.poll(Duration.ofMillis(500)).count();
                count += got;
                emptyPolls = got == 0 ? emptyPolls + 1 : 0;
            }
        }
        return count;
    }

}
