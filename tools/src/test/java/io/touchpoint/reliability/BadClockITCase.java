package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.DeadLetter;
import io.touchpoint.avro.DeadLetterReason;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.replay.Publisher;
import io.touchpoint.replay.TopicReader;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backfill of the bad-clock issue: one simulated day of interactions and surveys, in time order, replayed and run
 * bounded, once as it is (the reference) and once with 20 records of a producer whose clock runs ten hours ahead —
 * all at the head of the export, or one in every 500 records — plus one record from an unset clock (1970) and one
 * with a flipped bit (1913). Every point equals the reference run's, except the interaction counts of the minutes the
 * ahead records claim, which hold exactly those records (docs/design.md, "Bad clocks"); nothing is TOO_LATE, and the
 * two implausible records are TOO_OLD dead letters.
 */
class BadClockITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration AHEAD = Duration.ofHours(10);
    private static final long MINUTE = 60_000;
    private static final List<String> MEASUREMENTS = List.of("nps", "nps_touchpoint", "csat", "ces", "interactions",
            "first_response", "backlog", "churn_risk");

    @TempDir
    static Path dir;

    private static LocalServices services;
    private static List<SpecificRecord> day;
    private static Map<String, Map<String, Double>> reference;

    @BeforeAll
    static void runTheExportAsItIs() throws Exception {
        services = LocalServices.start(dir, "clock");
        // the day before yesterday, complete and in the past: ten hours ahead of it is still before the wall clock
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
        // the customers of one contact centre in five: about 11,000 interactions and 2,500 surveys, the size of the
        // export of the issue
        day = new ArrayList<>();
        new Simulator(Scenario.steady(), start, Duration.ofDays(1), 15).forEachRemaining(r -> {
            if (Math.floorMod(r.get(r.getSchema().getField("customer_id").pos()).hashCode(), 5) == 0) {
                day.add(r);
            }
        });
        run("reference", day);
        reference = points("reference");
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void twentyRecordsTenHoursAheadAtTheHead() throws Exception {
        List<SpecificRecord> export = new ArrayList<>();
        List<InteractionEvent> ahead = new ArrayList<>();
        export.add(implausible("unset-clock", Instant.EPOCH));
        for (SpecificRecord r : day) {
            if (ahead.size() < 20 && r instanceof InteractionEvent e) {
                ahead.add(aheadOf(e, ahead.size()));
            }
        }
        export.addAll(ahead);
        export.addAll(day.subList(0, day.size() / 2));
        export.add(implausible("bit-flip", Instant.parse("1913-02-11T04:12:00Z")));
        export.addAll(day.subList(day.size() / 2, day.size()));

        checkAgainstTheReference("head", export, ahead);
    }

    @Test
    void oneRecordTenHoursAheadInEvery500() throws Exception {
        List<SpecificRecord> export = new ArrayList<>();
        List<InteractionEvent> ahead = new ArrayList<>();
        export.add(implausible("unset-clock", Instant.EPOCH));
        int sinceLast = 0;
        for (int i = 0; i < day.size(); i++) {
            export.add(day.get(i));
            if (i == day.size() / 2) {
                export.add(implausible("bit-flip", Instant.parse("1913-02-11T04:12:00Z")));
            }
            if (++sinceLast >= 499 && day.get(i) instanceof InteractionEvent e) {
                InteractionEvent early = aheadOf(e, ahead.size());
                ahead.add(early);
                export.add(early);
                sinceLast = 0;
            }
        }
        assertThat(ahead).hasSizeGreaterThanOrEqualTo(20);

        checkAgainstTheReference("spread", export, ahead);
    }

    private static void checkAgainstTheReference(String name, List<SpecificRecord> export, List<InteractionEvent> ahead)
            throws Exception {
        run(name, export);
        Map<String, Map<String, Double>> actual = points(name);

        // the reference plus exactly the ahead records, each in the interactions minute its clock says
        Map<String, Map<String, Double>> expected = new TreeMap<>(reference);
        for (InteractionEvent e : ahead) {
            long end = Math.floorDiv(e.getOccurredAt().toEpochMilli(), MINUTE) * MINUTE + MINUTE;
            String key = "interactions channel=" + e.getChannel().name().toLowerCase(Locale.ROOT) + " @" + end;
            Map<String, Double> fields = new TreeMap<>(expected.getOrDefault(key, zeroVolume()));
            fields.merge("events", 1.0, Double::sum);
            fields.merge("bot_messages", 1.0, Double::sum);
            expected.put(key, fields);
        }
        Map<String, Object> health;
        try (InfluxRows rows = new InfluxRows(services.influx.url(), name)) {
            health = rows.one("SELECT sum(records_in) AS r, sum(dead_letter) AS dl, sum(too_late) AS tl FROM pipeline");
        }
        // the figures of docs/reliability.md
        long volume = reference.keySet().stream()
                .filter(k -> k.startsWith("interactions ") || k.startsWith("first_response ")).count();
        long volumeDiffering = reference.keySet().stream()
                .filter(k -> k.startsWith("interactions ") || k.startsWith("first_response "))
                .filter(k -> !reference.get(k).equals(actual.get(k))).count();
        long differing = reference.keySet().stream().filter(k -> !reference.get(k).equals(actual.get(k))).count();
        Map<String, Long> perMeasurement = new TreeMap<>();
        actual.keySet().forEach(k -> perMeasurement.merge(k.substring(0, k.indexOf(' ')), 1L, Long::sum));
        System.out.println("bad clock, " + name + ", points per measurement: " + perMeasurement);
        System.out.printf(Locale.ROOT, "bad clock, %s: %d records (%d interactions), %s too late, %s dead letters; "
                        + "%d points (reference %d), %d reference points differ, %d of %d interactions and "
                        + "first_response points%n", name, export.size(),
                export.stream().filter(r -> r instanceof InteractionEvent).count(), health.get("tl"), health.get("dl"),
                actual.size(), reference.size(), differing, volumeDiffering, volume);

        assertThat(actual).isEqualTo(expected);
        assertThat((double) actual.size()).isCloseTo(reference.size(), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(((Number) health.get("r")).longValue()).isEqualTo(export.size());
        assertThat(((Number) health.get("dl")).longValue()).isEqualTo(2);
        assertThat(((Number) health.get("tl")).longValue()).isZero();
        SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.deadLetters();
        List<String> letters = new ArrayList<>();
        for (var r : TopicReader.readAll(services.kafka.bootstrapServers(), name + ".dead-letter")) {
            DeadLetter letter = codec.decode(r.value());
            letters.add(letter.getReason() + " " + letter.getDetail().substring(0, letter.getDetail().indexOf(" is ")));
        }
        assertThat(letters).containsExactlyInAnyOrder(
                DeadLetterReason.TOO_OLD + " occurred_at 1970-01-01T00:00:00Z",
                DeadLetterReason.TOO_OLD + " occurred_at 1913-02-11T04:12:00Z");
    }

    /** A chat-bot integration whose clock runs ten hours ahead posts into a conversation of its own. */
    private static InteractionEvent aheadOf(InteractionEvent e, int n) {
        return InteractionEvent.newBuilder(e).setEventId("ahead-" + n).setConversationId("ahead-conv-" + n)
                .setCustomerId("ahead-cust-" + n).setType(InteractionType.BOT_MESSAGE).setSentiment(null)
                .setOccurredAt(e.getOccurredAt().plus(AHEAD)).build();
    }

    private static InteractionEvent implausible(String id, Instant at) {
        return InteractionEvent.newBuilder().setEventId(id).setOccurredAt(at).setChannel(Channel.CHAT)
                .setCustomerId("c-" + id).setConversationId("v-" + id).setType(InteractionType.CUSTOMER_MESSAGE).build();
    }

    private static Map<String, Double> zeroVolume() {
        Map<String, Double> zero = new TreeMap<>();
        for (String f : List.of("events", "conversations_opened", "customer_messages", "agent_messages",
                "bot_messages", "resolved", "reopened", "cancellations")) {
            zero.put(f, 0.0);
        }
        return zero;
    }

    /** Publishes {@code records} as {@code replay} does, to topics of their own, and runs the job bounded. */
    private static void run(String name, List<SpecificRecord> records) throws Exception {
        services.kafka.createTopics(3, name + ".interactions");
        services.kafka.createTopics(1, name + ".surveys", name + ".dead-letter", name + ".churn-risk");
        try (Publisher publisher = new Publisher(services.kafka.bootstrapServers(), name + ".interactions",
                name + ".surveys", new Properties())) {
            publisher.publishAll(records.iterator());
        }
        Configuration config = services.config();
        config.set(MonitorOptions.TOPIC_INTERACTIONS, name + ".interactions");
        config.set(MonitorOptions.TOPIC_SURVEYS, name + ".surveys");
        config.set(MonitorOptions.TOPIC_DEAD_LETTER, name + ".dead-letter");
        config.set(MonitorOptions.TOPIC_CHURN_RISK, name + ".churn-risk");
        config.set(MonitorOptions.INFLUX_DATABASE, name);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        MonitorMain.job(config).execute(env);
    }

    /** Every point of the event-time measurements: "measurement tag=value ... @time" to its numeric fields. */
    private static Map<String, Map<String, Double>> points(String database) {
        Map<String, Map<String, Double>> points = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(services.influx.url(), database)) {
            for (String measurement : MEASUREMENTS) {
                for (Map<String, Object> row : rows.query("SELECT * FROM " + measurement)) {
                    StringBuilder key = new StringBuilder(measurement);
                    Map<String, Double> fields = new TreeMap<>();
                    new TreeMap<>(row).forEach((column, value) -> {
                        if (value instanceof String tag) {
                            key.append(' ').append(column).append('=').append(tag);
                        } else if (value != null && !column.equals("time")) {
                            fields.put(column, ((Number) value).doubleValue());
                        }
                    });
                    points.put(key.append(" @").append(row.get("time")).toString(), fields);
                }
            }
        }
        return points;
    }
}
