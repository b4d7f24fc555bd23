package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.config.MonitorOptions;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * First-response time and backlog on real Kafka, influxd and a mini-cluster: a bounded run with exact points, and
 * a live run in which input stops while a customer waits and the oldest wait keeps growing in InfluxDB.
 */
class FirstResponseITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    private static final SingleObjectCodec<InteractionEvent> CODEC = SingleObjectCodec.interactions();
    private int ids;

    private byte[] event(String conversation, Channel channel, InteractionType type, long at) {
        return CODEC.encode(InteractionEvent.newBuilder().setEventId("ev-" + (++ids))
                .setOccurredAt(Instant.ofEpochMilli(at)).setChannel(channel).setTouchpoint("billing")
                .setCustomerId("cust-" + conversation).setConversationId(conversation).setType(type).build());
    }

    private static double d(Map<String, Object> row, String field) {
        return ((Number) row.get(field)).doubleValue();
    }

    @Test
    void boundedRunWritesExactFirstResponseAndBacklogPoints() throws Exception {
        long base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3)).toEpochMilli();
        long m = 60_000;
        // in event-time order, as the contact-centre platform publishes them
        List<byte[]> records = new ArrayList<>();
        records.add(event("A", Channel.CHAT, InteractionType.CONVERSATION_OPENED, base));
        records.add(event("A", Channel.CHAT, InteractionType.BOT_MESSAGE, base + 5_000));
        records.add(event("D", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, base + 10_000));
        records.add(event("B", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, base + 30_000));
        records.add(event("C", Channel.CHAT, InteractionType.CONVERSATION_OPENED, base + 50_000));
        records.add(event("E", Channel.PHONE, InteractionType.CONVERSATION_OPENED, base + m));        // never answered
        records.add(event("A", Channel.CHAT, InteractionType.AGENT_MESSAGE, base + 95_000));          // 95 s
        records.add(event("C", Channel.CHAT, InteractionType.CONVERSATION_RESOLVED, base + 2 * m + 10_000));
        records.add(event("B", Channel.CHAT, InteractionType.AGENT_MESSAGE, base + 3 * m + 30_000));  // 180 s
        records.add(event("D", Channel.EMAIL, InteractionType.AGENT_MESSAGE, base + 5 * m + 10_000)); // 300 s
        records.add(event("F", Channel.PHONE, InteractionType.AGENT_MESSAGE, base + 6 * m + 30_000)); // last event
        try (LocalServices services = LocalServices.start(dir, "frt")) {
            services.send(services.interactions(), records);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            MonitorMain.job(services.config()).execute(env);

            try (InfluxRows rows = services.rows()) {
                Map<String, Object> a = rows.one("SELECT * FROM first_response WHERE channel = 'chat' AND "
                        + "\"window\" = '1m' AND time = " + (base + 2 * m) + "ms");
                assertThat(d(a, "replies")).isEqualTo(1);
                assertThat(d(a, "frt_p90_s")).isEqualTo(95.0);
                assertThat(d(a, "within_sla")).isEqualTo(1);
                assertThat(d(a, "sla_target_s")).isEqualTo(120.0);

                // 15 minutes ending 4:00 hold A (95 s) and B (180 s)
                Map<String, Object> both = rows.one("SELECT * FROM first_response WHERE channel = 'chat' AND "
                        + "\"window\" = '15m' AND time = " + (base + 4 * m) + "ms");
                assertThat(d(both, "replies")).isEqualTo(2);
                assertThat(d(both, "frt_mean_s")).isEqualTo(137.5);
                assertThat(d(both, "frt_p50_s")).isEqualTo(95.0);
                assertThat(d(both, "frt_p90_s")).isEqualTo(180.0);
                assertThat(d(both, "frt_max_s")).isEqualTo(180.0);
                assertThat(d(both, "within_sla")).isEqualTo(1);
                assertThat(d(both, "breached")).isEqualTo(1);
                // rolling chat windows end every minute from 2:00 to 18:00 (B's minute 3 leaves the window after 18:00)
                assertThat(rows.query("SELECT replies FROM first_response WHERE channel = 'chat' AND \"window\" = '15m'"))
                        .hasSize(17);

                Map<String, Object> email = rows.one("SELECT * FROM first_response WHERE channel = 'email' AND "
                        + "\"window\" = '1m'");
                assertThat(d(email, "frt_max_s")).isEqualTo(300.0);
                assertThat(d(email, "sla_target_s")).isEqualTo(14_400.0);

                List<String> chat = rows.query("SELECT * FROM backlog WHERE channel = 'chat'").stream()
                        .map(r -> ((Long) r.get("time") - base) / m + "m awaiting=" + (long) d(r, "awaiting_first_reply")
                                + " oldest=" + d(r, "oldest_wait_s") + " over=" + (long) d(r, "over_sla")
                                + " abandoned=" + (long) d(r, "abandoned"))
                        .toList();
                assertThat(chat).containsExactly(
                        "1m awaiting=3 oldest=60.0 over=0 abandoned=0",
                        "2m awaiting=2 oldest=90.0 over=0 abandoned=0",
                        "3m awaiting=1 oldest=150.0 over=1 abandoned=1",
                        "4m awaiting=0 oldest=0.0 over=0 abandoned=0");
                // the unanswered phone call: gauges every minute up to the minute of the last event (6:30 -> 7:00)
                List<Map<String, Object>> phone = rows.query("SELECT * FROM backlog WHERE channel = 'phone'");
                assertThat(phone).extracting(r -> ((Long) r.get("time") - base) / m)
                        .containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
                assertThat(phone).extracting(r -> d(r, "oldest_wait_s"))
                        .containsExactly(60.0, 120.0, 180.0, 240.0, 300.0, 360.0);
                assertThat(phone).extracting(r -> d(r, "over_sla")).containsExactly(0.0, 1.0, 1.0, 1.0, 1.0, 1.0);
            }
        }
    }

    @Test
    void liveModeKeepsWritingTheGrowingWaitWhenInputStops() throws Exception {
        try (LocalServices services = LocalServices.start(dir, "live")) {
            Configuration config = services.config();
            config.set(MonitorOptions.BOUNDED, false);
            config.set(MonitorOptions.IDLENESS, Duration.ofSeconds(1));
            config.set(MonitorOptions.LIVE_MAX_LAG, Duration.ofSeconds(2));
            long started = System.currentTimeMillis();
            long waitingSince = started - 150_000;
            services.send(services.interactions(),
                    List.of(event("W", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, waitingSince)));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            MonitorMain.job(config).build(env);
            JobClient job = env.executeAsync("live backlog");
            try (InfluxRows rows = services.rows()) {
                // No further input: the watermark follows the wall clock, so the gauge is written at every minute
                // boundary, including the first one after the job started, with the wait grown by a minute each.
                long nextBoundary = (started / 60_000 + 1) * 60_000;
                List<Map<String, Object>> points = List.of();
                long deadline = System.currentTimeMillis() + 90_000;
                while (System.currentTimeMillis() < deadline) {
                    try {
                        points = rows.query(
                                "SELECT oldest_wait_s, awaiting_first_reply FROM backlog WHERE channel = 'chat'");
                    } catch (IllegalStateException notYetCreated) {
                        points = List.of();
                    }
                    if (!points.isEmpty() && (Long) points.get(points.size() - 1).get("time") >= nextBoundary) {
                        break;
                    }
                    Thread.sleep(1_000);
                }
                assertThat(points.size()).isGreaterThanOrEqualTo(3);
                Map<String, Object> last = points.get(points.size() - 1);
                assertThat((Long) last.get("time")).isGreaterThanOrEqualTo(nextBoundary);
                for (Map<String, Object> p : points) {
                    assertThat(d(p, "oldest_wait_s")).isEqualTo(((Long) p.get("time") - waitingSince) / 1000.0);
                    assertThat(d(p, "awaiting_first_reply")).isEqualTo(1.0);
                }
                for (int i = 1; i < points.size(); i++) {
                    assertThat(d(points.get(i), "oldest_wait_s") - d(points.get(i - 1), "oldest_wait_s"))
                            .isCloseTo(60.0, org.assertj.core.api.Assertions.within(1e-6));
                }
            } finally {
                job.cancel().get();
            }
        }
    }
}
