package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.avro.SurveyType;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.LocalServices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One set of churn events published in two interleavings — time-sorted, and reversed inside 20-minute blocks (so the
 * records land on other partitions and many arrive after the watermark passed them, all within the allowed
 * lateness) — gives the same churn_risk points and the same ChurnRiskSignals in a bounded run.
 */
class ChurnOrderITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long M = 60_000;

    @TempDir
    Path dir;

    /** One event of the set: a survey answer or a cancellation request, at a time. */
    private record Event(long at, String customer, int kind, int n) {}

    @Test
    void twoInterleavingsGiveTheSamePointsAndSignals() throws Exception {
        long base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4)).toEpochMilli();
        SplittableRandom random = new SplittableRandom(12);
        List<Event> events = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            for (int k = 0; k < 5; k++) {
                events.add(new Event(base + random.nextLong(180 * M), "cust-" + c, random.nextInt(5), events.size()));
            }
        }
        events.sort(Comparator.comparingLong(Event::at).thenComparingInt(Event::n));
        List<Event> reversed = new ArrayList<>();
        for (long block = base; block < base + 180 * M; block += 20 * M) {
            long from = block;
            List<Event> inBlock = new ArrayList<>(events.stream().filter(e -> e.at >= from && e.at < from + 20 * M).toList());
            Collections.reverse(inBlock);
            reversed.addAll(inBlock);
        }
        assertThat(reversed).hasSameSizeAs(events);

        Result sorted = run("sorted", events);
        Result blocks = run("reversed", reversed);

        assertThat(blocks.points).isEqualTo(sorted.points);
        assertThat(blocks.signals).isEqualTo(sorted.signals);
        // the set moves customers up and down: there is something to compare
        assertThat(sorted.signals).hasSizeGreaterThan(20);
        assertThat(sorted.points).anyMatch(p -> p.contains("new_high_risk=1"));
    }

    private record Result(List<String> points, List<String> signals) {}

    private Result run(String name, List<Event> events) throws Exception {
        SingleObjectCodec<SurveyResponse> surveys = SingleObjectCodec.surveys();
        SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();
        List<byte[]> surveyRecords = new ArrayList<>();
        List<byte[]> interactionRecords = new ArrayList<>();
        Channel[] channels = {Channel.WEB, Channel.PHONE, Channel.CHAT};
        for (Event e : events) {
            Channel channel = channels[e.n % channels.length];
            if (e.kind == 4) {
                interactionRecords.add(interactions.encode(InteractionEvent.newBuilder().setEventId("e" + e.n)
                        .setOccurredAt(Instant.ofEpochMilli(e.at)).setChannel(channel).setTouchpoint("billing")
                        .setCustomerId(e.customer).setConversationId("conv-" + e.n)
                        .setType(InteractionType.CANCELLATION_REQUESTED).build()));
            } else {
                // NPS 2 (+40), NPS 5 (+30), NPS 10 (-20), CSAT 1 (+20)
                boolean csat = e.kind == 3;
                int score = new int[] {2, 5, 10, 1}[e.kind];
                surveyRecords.add(surveys.encode(SurveyResponse.newBuilder().setResponseId("r" + e.n)
                        .setOccurredAt(Instant.ofEpochMilli(e.at)).setChannel(channel).setTouchpoint("billing")
                        .setCustomerId(e.customer).setSurvey(csat ? SurveyType.CSAT : SurveyType.NPS).setScore(score)
                        .build()));
            }
        }
        try (LocalServices services = LocalServices.start(dir.resolve(name), "order-" + name)) {
            services.send(services.surveys(), surveyRecords);
            services.send(services.interactions(), interactionRecords);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            // watermarks as often as possible, so that the reversed blocks really arrive behind them
            env.getConfig().setAutoWatermarkInterval(1);
            MonitorMain.job(services.config()).execute(env);
            List<String> points;
            try (InfluxRows rows = services.rows()) {
                points = rows.query("SELECT * FROM churn_risk").stream()
                        .map(r -> r.get("time") + " " + r.get("channel") + " new_high_risk="
                                + n(r.get("new_high_risk")) + " new_medium_risk=" + n(r.get("new_medium_risk"))
                                + " recovered=" + n(r.get("recovered")) + " high=" + n(r.get("high_risk_customers"))
                                + " medium=" + n(r.get("medium_risk_customers")))
                        .sorted().toList();
            }
            return new Result(points, readSignals(services));
        }
    }

    private static long n(Object value) {
        return ((Number) value).longValue();
    }

    private static List<String> readSignals(LocalServices services) throws Exception {
        // the order of customers on the topic depends on the sink's partitions; each customer's own order does not
        return ChurnRiskTopic.readAll(services).stream()
                .map(s -> s.getCustomerId() + " " + s.getOccurredAt().toEpochMilli() + " " + s.getPreviousLevel() + ">"
                        + s.getLevel() + " " + s.getChannel() + " " + String.format(Locale.ROOT, "%.6f", s.getScore())
                        + " " + s.getReasons().size())
                .sorted().toList();
    }
}
