package io.touchpoint.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.replay.TopicReader;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.LocalServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of a real broker: a whole Chatwoot conversation and a JSON event are posted, the job runs
 * bounded, and the {@code first_response}, {@code interactions}, {@code csat} and {@code nps} points in a real
 * influxd are those computed by hand below. Also the answers a sender gets: 401, 413, 400, and 503 with
 * Retry-After while the broker is down, 2xx again once it is back, with nothing accepted lost.
 */
class GatewayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String TOKEN = "test-gateway-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private String base;

    @Test
    void aChatwootConversationPostedToTheGatewayIsMeasured() throws Exception {
        Instant m = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
        Instant t = m.plusSeconds(5);
        ChatwootPayloads chat = new ChatwootPayloads("Channel::WebWidget");
        String agentReply = chat.message(5003, "outgoing", false, ChatwootPayloads.agent(), t.plusSeconds(95), t);
        List<String> conversation = List.of(
                chat.conversationCreated(t),
                chat.message(5001, "incoming", false, ChatwootPayloads.contact(), t.plusSeconds(10), t),
                chat.message(5002, "outgoing", false, ChatwootPayloads.bot(), t.plusSeconds(20), t),
                agentReply,
                chat.message(5004, "outgoing", true, ChatwootPayloads.agent(), t.plusSeconds(100), t),
                chat.statusChanged(t, "open", "resolved", t.plusSeconds(130)),
                chat.statusChanged(t, "resolved", "open", t.plusSeconds(180)),
                chat.message(5005, "incoming", false, ChatwootPayloads.contact(), t.plusSeconds(185), t),
                chat.csatAnswered(5006, 4, "quick and kind", t.plusSeconds(131), t.plusSeconds(200), t),
                chat.message(5007, "outgoing", false, ChatwootPayloads.agent(), t.plusSeconds(240), t));
        String nps = "{\"kind\":\"survey\",\"response_id\":\"r-1\",\"occurred_at\":\"" + m.plusSeconds(10)
                + "\",\"channel\":\"email\",\"touchpoint\":\"billing\",\"customer_id\":\"c-1\",\"survey\":\"nps\",\"score\":9}";

        try (LocalServices services = LocalServices.start(dir, "gw")) {
            Configuration config = services.config();
            try (IngestGateway gateway = start(config)) {
                String webhook = IngestGateway.CHATWOOT + "/" + TOKEN;
                // no token, a wrong one in the path or the header: refused before anything is read
                assertThat(post(IngestGateway.CHATWOOT, conversation.get(0), null).statusCode()).isEqualTo(401);
                assertThat(post(IngestGateway.CHATWOOT + "/not-the-token-at-all", conversation.get(0), null).statusCode())
                        .isEqualTo(401);
                HttpResponse<String> wrong = post(IngestGateway.EVENTS, nps, "not-the-token-at-all");
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
                // the token in the path is for webhook senders only
                assertThat(post(IngestGateway.EVENTS + "/" + TOKEN, nps, null).statusCode()).isEqualTo(404);
                // over gateway.max-body (4 KiB here)
                assertThat(post(IngestGateway.EVENTS, nps + "\n" + " ".repeat(5000), TOKEN).statusCode()).isEqualTo(413);

                for (String payload : conversation) {
                    HttpResponse<String> r = post(webhook, payload, null);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    JsonNode published = JSON.readTree(r.body()).path("published");
                    assertThat(published.path("gw.interactions").asLong() + published.path("gw.surveys").asLong())
                            .isEqualTo(1);
                }
                // Chatwoot delivers a webhook again: published again, dropped by the job as a duplicate
                assertThat(post(webhook, agentReply, null).statusCode()).isEqualTo(200);
                HttpResponse<String> ignored = post(webhook, chat.conversationUpdated(t, t.plusSeconds(30)), null);
                assertThat(ignored.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(ignored.body()).path("ignored").asInt()).isEqualTo(1);
                // the bearer token works for webhooks too
                assertThat(post(IngestGateway.CHATWOOT, chat.conversationUpdated(t, t.plusSeconds(31)), TOKEN)
                        .statusCode()).isEqualTo(200);

                HttpResponse<String> bad = post(IngestGateway.EVENTS, nps + "\n" + nps.replace("9}", "\"nine\"}"), TOKEN);
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(JSON.readTree(bad.body()).path("errors").get(0).asText())
                        .isEqualTo("line 2: score must be an integer");
                HttpResponse<String> accepted = post(IngestGateway.EVENTS, nps, TOKEN);
                assertThat(accepted.statusCode()).isEqualTo(202);
                assertThat(JSON.readTree(accepted.body()).path("published"))
                        .isEqualTo(JSON.readTree("{\"gw.interactions\": 0, \"gw.surveys\": 1}"));

                JsonNode stats = JSON.readTree(get("/v1/stats", TOKEN).body());
                assertThat(stats.path("published")).isEqualTo(JSON.readTree("{\"gw.interactions\": 10, \"gw.surveys\": 2}"));
                assertThat(stats.path("ignored")).isEqualTo(JSON.readTree("{\"conversation_updated\": 2}"));
                assertThat(stats.path("refused")).isEqualTo(JSON.readTree("{\"400\": 1, \"401\": 3, \"404\": 1, \"413\": 1}"));
                assertThat(get("/v1/stats", null).statusCode()).isEqualTo(401);
                assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
            }

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Configuration noRestarts = new Configuration();
            noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            env.configure(noRestarts);
            env.setParallelism(2);
            MonitorMain.job(config).execute(env);

            long minute = 60_000;
            long m0 = m.toEpochMilli();
            try (InfluxRows rows = services.rows()) {
                // opened at t, customer t+10, bot t+20, agent t+95: FRT 95 s; reopened t+180, agent t+240: FRT 60 s
                assertThat(points(rows, "SELECT * FROM first_response WHERE \"window\" = '1m'")).isEqualTo(Map.of(
                        m0 + 2 * minute, "breached=0 frt_max_s=95.0 frt_mean_s=95.0 frt_p50_s=95.0 frt_p90_s=95.0 "
                                + "frt_p95_s=95.0 replies=1 sla_target_s=120.0 within_sla=1",
                        m0 + 5 * minute, "breached=0 frt_max_s=60.0 frt_mean_s=60.0 frt_p50_s=60.0 frt_p90_s=60.0 "
                                + "frt_p95_s=60.0 replies=1 sla_target_s=120.0 within_sla=1"));
                assertThat(points(rows, "SELECT * FROM interactions WHERE channel = 'chat'")).isEqualTo(Map.of(
                        m0 + minute, volume(3, 1, 1, 0, 1, 0, 0),
                        m0 + 2 * minute, volume(2, 0, 0, 1, 0, 0, 0),
                        m0 + 3 * minute, volume(1, 0, 0, 0, 0, 1, 0),
                        m0 + 4 * minute, volume(2, 0, 1, 0, 0, 0, 1),
                        m0 + 5 * minute, volume(1, 0, 0, 1, 0, 0, 0)));
                assertThat(points(rows, "SELECT responses, satisfied, csat FROM csat WHERE \"window\" = '1m'"))
                        .isEqualTo(Map.of(m0 + 4 * minute, "csat=100.0 responses=1 satisfied=1"));
                assertThat(points(rows, "SELECT responses, promoters, nps FROM nps WHERE \"window\" = '1m' "
                        + "AND channel = 'email'")).isEqualTo(Map.of(m0 + minute, "nps=100.0 promoters=1 responses=1"));
                Map<String, Object> health = rows.one("SELECT sum(records_in) AS r, sum(duplicates) AS dup, "
                        + "sum(dead_letter) AS dl FROM pipeline WHERE source = 'gw.interactions'");
                assertThat(((Number) health.get("r")).longValue()).isEqualTo(10);
                assertThat(((Number) health.get("dup")).longValue()).isEqualTo(1);
                assertThat(((Number) health.get("dl")).longValue()).isZero();
            }
        }
    }

    @Test
    void whileKafkaIsDownSendersAreToldToRetryAndNothingAcceptedIsLost() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        int port = kafka.port();
        try {
            kafka.createTopics(1, "down.interactions", "down.surveys");
            Configuration config = new Configuration();
            config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
            config.set(MonitorOptions.TOPIC_INTERACTIONS, "down.interactions");
            config.set(MonitorOptions.TOPIC_SURVEYS, "down.surveys");
            try (IngestGateway gateway = start(config)) {
                assertThat(post(IngestGateway.EVENTS, event("e-1"), TOKEN).statusCode()).isEqualTo(202);

                kafka.stop();
                HttpResponse<String> down = post(IngestGateway.EVENTS, event("e-2"), TOKEN);
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.headers().firstValue("Retry-After")).hasValue("7");

                kafka = LocalKafka.start(dir.resolve("kafka"), port);
                // the sender retries as told until the broker is back
                HttpResponse<String> retried = down;
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (retried.statusCode() == 503 && System.nanoTime() < deadline) {
                    retried = post(IngestGateway.EVENTS, event("e-2"), TOKEN);
                }
                assertThat(retried.statusCode()).isEqualTo(202);
            }
            SingleObjectCodec<io.touchpoint.avro.InteractionEvent> codec = SingleObjectCodec.interactions();
            List<String> ids = new ArrayList<>();
            for (var record : TopicReader.readAll(kafka.bootstrapServers(), "down.interactions")) {
                ids.add(codec.decode(record.value()).getEventId());
            }
            // e-2 may be there twice (sent before the 503 and again): the job drops the second as a duplicate
            assertThat(Set.copyOf(ids)).isEqualTo(Set.of("e-1", "e-2"));
            assertThat(ids.get(0)).isEqualTo("e-1");
        } finally {
            kafka.stop();
        }
    }

    private IngestGateway start(Configuration config) throws Exception {
        config.set(GatewayOptions.PORT, 0);
        config.set(GatewayOptions.TOKEN, TOKEN);
        config.set(GatewayOptions.MAX_BODY, MemorySize.parse("4 kb"));
        config.set(GatewayOptions.ACK_TIMEOUT, Duration.ofSeconds(3));
        config.set(GatewayOptions.RETRY_AFTER, Duration.ofSeconds(7));
        IngestGateway gateway = IngestGateway.start(config, System.err);
        base = "http://127.0.0.1:" + gateway.address().getPort();
        return gateway;
    }

    private static String event(String id) {
        return "{\"kind\":\"interaction\",\"event_id\":\"" + id + "\",\"occurred_at\":\"2026-11-02T10:00:05Z\","
                + "\"channel\":\"chat\",\"customer_id\":\"c-1\",\"conversation_id\":\"v-1\",\"type\":\"customer_message\"}";
    }

    private HttpResponse<String> post(String path, String body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String volume(long events, long opened, long customer, long agent, long bot, long resolved,
            long reopened) {
        return "agent_messages=" + agent + " bot_messages=" + bot + " cancellations=0 conversations_opened=" + opened
                + " customer_messages=" + customer + " events=" + events + " reopened=" + reopened + " resolved="
                + resolved;
    }

    /** Point time → its fields as "name=value" sorted by name, counts as integers. */
    private static Map<Long, String> points(InfluxRows rows, String query) {
        Map<Long, String> points = new TreeMap<>();
        for (Map<String, Object> row : rows.query(query)) {
            points.put((Long) row.get("time"), new TreeMap<>(row).entrySet().stream()
                    .filter(e -> e.getValue() instanceof Number && !e.getKey().equals("time"))
                    .map(e -> e.getKey() + "=" + format(e.getKey(), (Number) e.getValue()))
                    .collect(Collectors.joining(" ")));
        }
        return points;
    }

    private static String format(String field, Number value) {
        boolean seconds = field.endsWith("_s") || field.equals("csat") || field.equals("nps");
        return seconds ? Double.toString(value.doubleValue()) : Long.toString(value.longValue());
    }
}
