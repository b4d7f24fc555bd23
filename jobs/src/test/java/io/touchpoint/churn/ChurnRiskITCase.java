package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.ChurnReason;
import io.touchpoint.avro.ChurnRiskSignal;
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
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Churn risk end to end: exact signals on the churn-risk topic and exact churn_risk points in InfluxDB. */
class ChurnRiskITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long M = 60_000;

    @TempDir
    Path dir;

    @Test
    void levelChangesWithReasonsAndPerChannelGauges() throws Exception {
        long base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3)).toEpochMilli();
        SingleObjectCodec<SurveyResponse> surveys = SingleObjectCodec.surveys();
        SingleObjectCodec<InteractionEvent> interactions = SingleObjectCodec.interactions();
        List<byte[]> surveyRecords = List.of(
                surveys.encode(survey("s1", base + 10_000, 2)),        // NPS 0-3: +40 -> MEDIUM (email)
                surveys.encode(survey("s2", base + 6 * M, 10)),        // promoter: -20, still HIGH
                surveys.encode(survey("s3", base + 7 * M, 9)));        // promoter: -20 -> MEDIUM (email)
        List<byte[]> interactionRecords = new ArrayList<>();
        interactionRecords.add(interactions.encode(event("K", base + M, InteractionType.CONVERSATION_OPENED)));
        // chat SLA 120 s: the unanswered clock passes it at 3:00.001 (+15, still MEDIUM)
        interactionRecords.add(interactions.encode(event("K", base + 4 * M, InteractionType.CANCELLATION_REQUESTED)));
        // a later event of someone else marks the end of the run
        InteractionEvent other = event("Y", base + 8 * M, InteractionType.BOT_MESSAGE);
        other.setCustomerId("cust-Y");
        interactionRecords.add(interactions.encode(other));

        try (LocalServices services = LocalServices.start(dir, "churn")) {
            services.send(services.surveys(), surveyRecords);
            services.send(services.interactions(), interactionRecords);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            MonitorMain.job(services.config()).execute(env);

            List<ChurnRiskSignal> signals = ChurnRiskTopic.readAll(services);
            assertThat(signals).extracting(s -> s.getPreviousLevel() + ">" + s.getLevel() + "@"
                    + (s.getOccurredAt().toEpochMilli() - base) / 1000 + "s/" + s.getChannel())
                    .containsExactly("LOW>MEDIUM@10s/EMAIL", "MEDIUM>HIGH@240s/CHAT", "HIGH>MEDIUM@420s/EMAIL");
            assertThat(signals).allSatisfy(s -> assertThat(s.getCustomerId()).isEqualTo("cust-X"));
            ChurnRiskSignal high = signals.get(1);
            // 40 decayed 3:50, 15 decayed 59.999 s, 40 now: just under 95
            double h = 14 * 86_400_000.0;
            double expected = 40 * Math.pow(2, -(230_000) / h) + 15 * Math.pow(2, -(59_999) / h) + 40;
            assertThat(high.getScore()).isEqualTo(expected);
            assertThat(high.getReasons()).extracting(ChurnReason::getSignal)
                    .containsExactly("cancellation_request", "nps_detractor_low", "sla_breach");
            assertThat(high.getReasons().get(2).getAt().toEpochMilli()).isEqualTo(base + 3 * M + 1);
            assertThat(high.getTouchpoint()).isEqualTo("billing");

            try (InfluxRows rows = services.rows()) {
                assertThat(series(rows, "email", base)).containsExactly(
                        "1 new_medium=1 recovered=0 high=0 medium=1",
                        "2 new_medium=0 recovered=0 high=0 medium=1",
                        "3 new_medium=0 recovered=0 high=0 medium=1",
                        "4 new_medium=0 recovered=0 high=0 medium=1",
                        "5 new_medium=0 recovered=0 high=0 medium=0",
                        "8 new_medium=1 recovered=1 high=0 medium=1",
                        "9 new_medium=0 recovered=0 high=0 medium=1");
                assertThat(series(rows, "chat", base)).containsExactly(
                        "5 new_medium=0 recovered=0 high=1 medium=0",
                        "6 new_medium=0 recovered=0 high=1 medium=0",
                        "7 new_medium=0 recovered=0 high=1 medium=0",
                        "8 new_medium=0 recovered=0 high=0 medium=0");
                Map<String, Object> first = rows.one("SELECT new_high_risk FROM churn_risk WHERE channel = 'chat' "
                        + "AND time = " + (base + 5 * M) + "ms");
                assertThat(((Number) first.get("new_high_risk")).longValue()).isEqualTo(1);
            }
        }
    }

    private static List<String> series(InfluxRows rows, String channel, long base) {
        return rows.query("SELECT * FROM churn_risk WHERE channel = '" + channel + "'").stream()
                .map(r -> ((Long) r.get("time") - base) / M + " new_medium=" + n(r, "new_medium_risk") + " recovered="
                        + n(r, "recovered") + " high=" + n(r, "high_risk_customers") + " medium="
                        + n(r, "medium_risk_customers"))
                .toList();
    }

    private static long n(Map<String, Object> row, String field) {
        return ((Number) row.get(field)).longValue();
    }

    private static SurveyResponse survey(String id, long at, int score) {
        return SurveyResponse.newBuilder().setResponseId(id).setOccurredAt(Instant.ofEpochMilli(at))
                .setChannel(Channel.EMAIL).setTouchpoint("billing").setCustomerId("cust-X").setSurvey(SurveyType.NPS)
                .setScore(score).build();
    }

    private static InteractionEvent event(String conversation, long at, InteractionType type) {
        return InteractionEvent.newBuilder().setEventId(conversation + "-" + at).setOccurredAt(Instant.ofEpochMilli(at))
                .setChannel(Channel.CHAT).setTouchpoint("billing").setCustomerId("cust-X")
                .setConversationId(conversation).setType(type).build();
    }
}
