package io.touchpoint.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.ChurnRiskSignal;
import io.touchpoint.avro.DeadLetter;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.LocalServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: one set of events (conversations with replies, resolves, reopens, abandons and cancellations, surveys,
 * a few undecodable records) published in four orders — time-sorted, grouped by conversation as help-desk exports
 * are, reversed inside 20-minute blocks, shuffled inside 30-minute blocks — onto topics of 1, 3 and 7 partitions,
 * each run bounded at parallelism 2. Every order stays within the allowed lateness, so every run must write the same
 * points of every measurement, the same ChurnRiskSignals and the same dead letters; one run is repeated.
 *
 * <p>Gauge points ({@code backlog}, {@code churn_risk}) whose every count is 0 are left out of the comparison: a
 * boundary written with a value that a late event then took away is written again with zeros (InfluxDB cannot be
 * told to forget a point), which an order without that detour never writes. Every gauge point with a non-zero value,
 * and every point of every other measurement, must be identical.
 */
class OrderIndependenceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long S = 1_000;
    private static final long M = 60 * S;
    private static final String[] MEASUREMENTS = {"interactions", "first_response", "backlog", "nps",
        "nps_touchpoint", "csat", "ces", "churn_risk"};

    @TempDir
    Path dir;

    /** One record of the set: its event time, its key, its bytes, and the conversation it belongs to. */
    private record Record(long at, int n, String topic, String key, byte[] value, String conversation) {}

    @Test
    void everyOrderAndPartitioningGivesTheSamePointsSignalsAndDeadLetters() throws Exception {
        long base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5)).toEpochMilli();
        List<Record> sorted = events(base, new SplittableRandom(18));
        sorted.sort(Comparator.comparingLong(Record::at).thenComparingInt(Record::n));
        List<Record> grouped = new ArrayList<>(sorted);
        Map<String, Long> firstOf = new TreeMap<>();
        sorted.forEach(r -> firstOf.putIfAbsent(r.conversation, r.at));
        grouped.sort(Comparator.comparingLong((Record r) -> firstOf.get(r.conversation))
                .thenComparing(Record::conversation).thenComparingLong(Record::at).thenComparingInt(Record::n));
        List<Record> reversed = inBlocks(sorted, base, 20 * M, Collections::reverse);
        SplittableRandom shuffle = new SplittableRandom(30);
        List<Record> shuffled = inBlocks(sorted, base, 30 * M, block -> {
            for (int i = block.size() - 1; i > 0; i--) {
                Collections.swap(block, i, shuffle.nextInt(i + 1));
            }
        });

        Map<String, List<Record>> orders = new LinkedHashMap<>();
        orders.put("sorted", sorted);
        orders.put("grouped", grouped);
        orders.put("reversed", reversed);
        orders.put("shuffled", shuffled);
        try (LocalServices services = LocalServices.start(dir, "order")) {
            Result first = run(services, "sorted1", sorted, 1);
            List<Result> others = new ArrayList<>();
            for (Map.Entry<String, List<Record>> order : orders.entrySet()) {
                for (int partitions : new int[] {1, 3, 7}) {
                    if (!(order.getKey().equals("sorted") && partitions == 1)) {
                        others.add(run(services, order.getKey() + partitions, order.getValue(), partitions));
                    }
                }
            }
            others.add(run(services, "reversed7again", reversed, 7));

            // there is something to compare: every measurement written, churn moving, dead letters
            for (String measurement : MEASUREMENTS) {
                assertThat(first.points).as(measurement).anyMatch(p -> p.startsWith(measurement + " "));
            }
            assertThat(first.points).anyMatch(p -> p.startsWith("backlog ") && p.contains("abandoned=1"));
            assertThat(first.signals).hasSizeGreaterThan(5);
            assertThat(first.deadLetters).hasSize(4);
            for (Result other : others) {
                assertThat(other.points).as(other.name).isEqualTo(first.points);
                assertThat(other.signals).as(other.name).isEqualTo(first.signals);
                assertThat(other.deadLetters).as(other.name).isEqualTo(first.deadLetters);
            }
        }
    }

    /** The records re-ordered inside consecutive blocks of event time. */
    private static List<Record> inBlocks(List<Record> sorted, long base, long length,
            java.util.function.Consumer<List<Record>> reorder) {
        Map<Long, List<Record>> blocks = new TreeMap<>();
        for (Record r : sorted) {
            blocks.computeIfAbsent((r.at - base) / length, b -> new ArrayList<>()).add(r);
        }
        List<Record> out = new ArrayList<>();
        for (List<Record> block : blocks.values()) {
            reorder.accept(block);
            out.addAll(block);
        }
        return out;
    }

    /**
     * About 2,500 interactions of 500 conversations (150 customers, five channels) over three hours, their surveys, and
     * four records that do not decode. A conversation lasts at most about 40 minutes, so grouping by conversation keeps
     * every event within the allowed hour.
     */
    private static List<Record> events(long base, SplittableRandom random) {
        SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();
        SingleObjectCodec<SurveyResponse> surveys = SingleObjectCodec.surveys();
        Channel[] channels = {Channel.CHAT, Channel.EMAIL, Channel.PHONE, Channel.SMS, Channel.SOCIAL};
        List<Record> records = new ArrayList<>();
        for (int c = 0; c < 500; c++) {
            String conversation = "conv-" + c;
            String customer = "cust-" + random.nextInt(150);
            Channel channel = channels[random.nextInt(channels.length)];
            long t = base + random.nextLong(170 * M);
            List<Object[]> steps = new ArrayList<>();
            steps.add(new Object[] {InteractionType.CONVERSATION_OPENED, t});
            if (random.nextInt(100) < 20) {
                steps.add(new Object[] {InteractionType.CUSTOMER_MESSAGE, t + random.nextLong(60 * S)});
            }
            if (random.nextInt(100) < 15) {
                steps.add(new Object[] {InteractionType.BOT_MESSAGE, t + random.nextLong(30 * S)});
            }
            long end = t + random.nextLong(30 * S, 10 * M);
            if (random.nextInt(100) < 80) {
                long reply = t + random.nextLong(5 * S, 6 * M);
                steps.add(new Object[] {InteractionType.AGENT_MESSAGE, reply});
                if (random.nextInt(100) < 30) {
                    steps.add(new Object[] {InteractionType.AGENT_MESSAGE, reply + random.nextLong(S, 3 * M)});
                }
                end = reply + random.nextLong(S, 8 * M);
                steps.add(new Object[] {InteractionType.CONVERSATION_RESOLVED, end});
                if (random.nextInt(100) < 15) {
                    long reopen = end + random.nextLong(M, 12 * M);
                    steps.add(new Object[] {InteractionType.CONVERSATION_REOPENED, reopen});
                    if (random.nextInt(100) < 70) {
                        steps.add(new Object[] {InteractionType.AGENT_MESSAGE, reopen + random.nextLong(S, 5 * M)});
                    }
                    end = reopen + random.nextLong(5 * M, 8 * M);
                    steps.add(new Object[] {InteractionType.CONVERSATION_RESOLVED, end});
                }
            } else if (random.nextInt(100) < 60) {
                steps.add(new Object[] {InteractionType.CUSTOMER_ABANDONED, end});
            }
            if (random.nextInt(100) < 4) {
                steps.add(new Object[] {InteractionType.CANCELLATION_REQUESTED, end});
            }
            for (Object[] step : steps) {
                InteractionType type = (InteractionType) step[0];
                long at = (Long) step[1];
                int n = records.size();
                Float sentiment = type == InteractionType.CUSTOMER_MESSAGE && random.nextInt(100) < 30 ? -0.8f : null;
                records.add(new Record(at, n, "interactions", conversation, interactions.encode(
                        InteractionEvent.newBuilder().setEventId("e" + n).setOccurredAt(Instant.ofEpochMilli(at))
                                .setChannel(channel).setTouchpoint(n % 3 == 0 ? "billing" : "support")
                                .setCustomerId(customer).setConversationId(conversation).setType(type)
                                .setAgentId(type == InteractionType.AGENT_MESSAGE ? "agent-" + (n % 7) : null)
                                .setSentiment(sentiment).build()), conversation));
            }
            if (random.nextInt(100) < 40) {
                int n = records.size();
                int pick = random.nextInt(100);
                SurveyType survey = pick < 30 ? SurveyType.CSAT : pick < 45 ? SurveyType.CES : SurveyType.NPS;
                int score = switch (survey) {
                    case CSAT -> 1 + random.nextInt(5);
                    case CES -> 1 + random.nextInt(7);
                    case NPS -> random.nextInt(11);
                };
                long at = end + random.nextLong(S, 5 * M);
                records.add(new Record(at, n, "surveys", customer, surveys.encode(SurveyResponse.newBuilder()
                        .setResponseId("r" + n).setOccurredAt(Instant.ofEpochMilli(at)).setChannel(channel)
                        .setTouchpoint("support").setCustomerId(customer).setConversationId(conversation)
                        .setSurvey(survey).setScore(score).build()), conversation));
            }
        }
        for (int k = 0; k < 4; k++) {
            int n = records.size();
            records.add(new Record(base + (k * 45 + 7) * M, n, "interactions", "bad-" + k,
                    ("not an avro record " + k).getBytes(StandardCharsets.UTF_8), "bad-" + k));
        }
        return records;
    }

    private record Result(String name, List<String> points, List<String> signals, List<String> deadLetters) {}

    private Result run(LocalServices services, String name, List<Record> records, int partitions) throws Exception {
        String prefix = "order-" + name;
        services.kafka.createTopics(partitions, prefix + ".interactions", prefix + ".surveys");
        services.kafka.createTopics(1, prefix + ".dead-letter", prefix + ".churn-risk");
        publish(services, prefix, records);
        Configuration config = services.config();
        config.set(MonitorOptions.TOPIC_INTERACTIONS, prefix + ".interactions");
        config.set(MonitorOptions.TOPIC_SURVEYS, prefix + ".surveys");
        config.set(MonitorOptions.TOPIC_DEAD_LETTER, prefix + ".dead-letter");
        config.set(MonitorOptions.TOPIC_CHURN_RISK, prefix + ".churn-risk");
        String database = "order_" + name;
        config.set(MonitorOptions.INFLUX_DATABASE, database);
        config.set(MonitorOptions.CHECKPOINT_DIR, dir.resolve("checkpoints-" + name).toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // watermarks as often as possible, so that re-ordered records really arrive behind them
        env.getConfig().setAutoWatermarkInterval(1);
        MonitorMain.job(config).execute(env);

        List<String> points = new ArrayList<>();
        try (InfluxRows rows = new InfluxRows(services.influx.url(), database)) {
            for (String measurement : MEASUREMENTS) {
                for (Map<String, Object> row : rows.query("SELECT * FROM " + measurement)) {
                    boolean gauge = measurement.equals("backlog") || measurement.equals("churn_risk");
                    if (!(gauge && allZero(row))) {
                        points.add(measurement + " " + new TreeMap<>(row));
                    }
                }
            }
        }
        Collections.sort(points);
        SingleObjectCodec<ChurnRiskSignal> signalCodec = SingleObjectCodec.churnSignals();
        List<String> signals = read(services, prefix + ".churn-risk", bytes -> {
            ChurnRiskSignal s = signalCodec.decode(bytes);
            return s.getCustomerId() + " " + s.getOccurredAt().toEpochMilli() + " " + s.getPreviousLevel() + ">"
                    + s.getLevel() + " " + s.getChannel() + " " + String.format(Locale.ROOT, "%.6f", s.getScore())
                    + " " + s.getReasons();
        });
        SingleObjectCodec<DeadLetter> letterCodec = SingleObjectCodec.deadLetters();
        // partition and offset depend on the partitioning; the reason and the original bytes do not
        List<String> deadLetters = read(services, prefix + ".dead-letter", bytes -> {
            DeadLetter d = letterCodec.decode(bytes);
            byte[] payload = new byte[d.getPayload().remaining()];
            d.getPayload().get(payload);
            return d.getReason() + " " + d.getDetail() + " " + HexFormat.of().formatHex(payload);
        });
        return new Result(name, points, signals, deadLetters);
    }

    /** A gauge point whose every field but the SLA target is 0: a value taken back, or a gauge that emptied. */
    private static boolean allZero(Map<String, Object> row) {
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (e.getValue() instanceof Number v && !e.getKey().equals("time") && !e.getKey().equals("sla_target_s")
                    && v.doubleValue() != 0) {
                return false;
            }
        }
        return true;
    }

    private static void publish(LocalServices services, String prefix, List<Record> records) {
        Properties props = new Properties();
        props.put("bootstrap.servers", services.kafka.bootstrapServers());
        props.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Record r : records) {
                // keyed as `replay` keys them: interactions by conversation, surveys by customer
                producer.send(new ProducerRecord<>(prefix + "." + r.topic, r.key.getBytes(StandardCharsets.UTF_8),
                        r.value));
            }
            producer.flush();
        }
    }

    /** Turns a record's value into a line to compare. */
    private interface Line {
        String of(byte[] value) throws Exception;
    }

    /** Every record of a topic the finished run wrote, as a sorted list of lines. */
    private static List<String> read(LocalServices services, String topic, Line line) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", services.kafka.bootstrapServers());
        List<String> lines = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new LinkedHashMap<>(consumer.endOffsets(partitions));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    lines.add(line.of(r.value()));
                }
            }
        }
        Collections.sort(lines);
        return lines;
    }
}
