package io.touchpoint.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.touchpoint.cli.Touchpoint;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.replay.Publisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.KafkaException;

/**
 * The HTTP ingest gateway: {@code POST /v1/events} (the JSON Lines form of SPEC §2) and
 * {@code POST /v1/webhooks/chatwoot[/TOKEN]} (Chatwoot webhooks), both published as {@code replay} publishes.
 *
 * <p>A request is answered 2xx only after Kafka acknowledged all of its records (idempotent producer, acks=all);
 * when that does not happen within {@code gateway.ack-timeout}, it is answered 503 with Retry-After and the sender
 * keeps the data. Records of such a request may still arrive later; a retry then repeats their ids, which the job
 * drops as duplicates. Requests carry the token as {@code Authorization: Bearer TOKEN}, or webhooks as the last
 * path segment (senders like Chatwoot cannot set headers); anything else is answered 401 before the body is read.
 */
public final class IngestGateway implements AutoCloseable {

    static final String EVENTS = "/v1/events";
    static final String CHATWOOT = "/v1/webhooks/chatwoot";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService workers;
    private final Publisher publisher;
    private final byte[] token;
    private final long maxBody;
    private final Duration ackTimeout;
    private final long retryAfterSeconds;
    private final PrintStream log;
    private final AtomicBoolean kafkaDown = new AtomicBoolean(false);
    private final Map<String, LongAdder> published = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> ignored = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();

    private IngestGateway(Configuration config, PrintStream log) throws IOException {
        this.token = GatewayOptions.token(config).getBytes(StandardCharsets.UTF_8);
        this.maxBody = config.get(GatewayOptions.MAX_BODY).getBytes();
        this.ackTimeout = config.get(GatewayOptions.ACK_TIMEOUT);
        this.retryAfterSeconds = Math.max(1, config.get(GatewayOptions.RETRY_AFTER).toSeconds());
        this.log = log;
        this.server = HttpServer.create(
                new InetSocketAddress(config.get(GatewayOptions.BIND_ADDRESS), config.get(GatewayOptions.PORT)), 64);
        this.publisher = new Publisher(config.get(MonitorOptions.KAFKA_BOOTSTRAP),
                config.get(MonitorOptions.TOPIC_INTERACTIONS), config.get(MonitorOptions.TOPIC_SURVEYS),
                MonitorConfig.kafkaClientProperties(config), ackTimeout);
        this.workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "gateway-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext(EVENTS, exchange -> handle(exchange, false));
        server.createContext(CHATWOOT, exchange -> handle(exchange, true));
        server.createContext("/healthz", exchange -> respond(exchange, 200, JSON.createObjectNode().put("status", "ok")));
        server.createContext("/v1/stats", this::stats);
        server.createContext("/", exchange -> respond(exchange, 404, error("no such endpoint")));
    }

    /**
     * Starts listening; the settings are {@link GatewayOptions} and the job's Kafka keys.
     *
     * @param log where a line goes when Kafka stops or resumes acknowledging
     * @throws IllegalArgumentException for a missing or short token
     */
    public static IngestGateway start(Configuration config, PrintStream log) throws IOException {
        IngestGateway gateway = new IngestGateway(config, log);
        gateway.server.start();
        return gateway;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange, boolean chatwoot) throws IOException {
        try (exchange) {
            String rest = exchange.getRequestURI().getPath().substring(chatwoot ? CHATWOOT.length() : EVENTS.length());
            if (!rest.isEmpty() && !(chatwoot && rest.lastIndexOf('/') == 0)) {
                refuse(exchange, 404, "no such endpoint");
                return;
            }
            if (!authorized(exchange, rest.isEmpty() ? null : rest.substring(1))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                refuse(exchange, 401, "missing or wrong token");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                refuse(exchange, 405, "only POST");
                return;
            }
            byte[] body = readBody(exchange);
            if (body == null) {
                refuse(exchange, 413, "the body is larger than gateway.max-body (" + maxBody + " bytes)");
                return;
            }
            if (chatwoot) {
                chatwoot(exchange, body);
            } else {
                events(exchange, body);
            }
        } catch (RuntimeException e) {
            // a bug, not the sender's fault: say so, rather than drop the connection without an answer
            log.println("touchpoint gateway: POST " + (chatwoot ? CHATWOOT : EVENTS) + " failed: " + Touchpoint.oneLine(e));
            refuse(exchange, 500, "internal error; nothing was accepted");
        }
    }

    private void events(HttpExchange exchange, byte[] body) throws IOException {
        EventBatch batch = EventBatch.parse(new String(body, StandardCharsets.UTF_8));
        if (!batch.errors().isEmpty()) {
            // nothing of a batch with a bad line is published: the sender fixes it and sends it again, whole
            ObjectNode answer = error(batch.errors().size() + " bad line(s), nothing published");
            batch.errors().forEach(answer.putArray("errors")::add);
            count(refused, "400");
            respond(exchange, 400, answer);
            return;
        }
        publish(exchange, 202, batch.records(), null);
    }

    private void chatwoot(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (IOException e) {
            refuse(exchange, 400, "not JSON");
            return;
        }
        ChatwootMapper.Mapped mapped;
        try {
            mapped = ChatwootMapper.map(payload, Instant.now());
        } catch (ChatwootMapper.InvalidPayload e) {
            refuse(exchange, 400, e.getMessage());
            return;
        }
        if (mapped.isIgnored()) {
            count(ignored, payload.path("event").asText());
            ObjectNode answer = JSON.createObjectNode();
            answer.putObject("published");
            answer.put("ignored", 1).put("reason", mapped.ignoredBecause());
            respond(exchange, 200, answer);
            return;
        }
        publish(exchange, 200, mapped.records(), 0);
    }

    private void publish(HttpExchange exchange, int status, List<SpecificRecord> records, Integer ignoredCount)
            throws IOException {
        Map<String, Long> counts;
        try {
            counts = publisher.publishAcknowledged(records, ackTimeout);
        } catch (TimeoutException | ExecutionException | KafkaException e) {
            if (kafkaDown.compareAndSet(false, true)) {
                log.println("touchpoint gateway: Kafka did not acknowledge within " + ackTimeout.toSeconds()
                        + " s (" + Touchpoint.oneLine(e) + "); answering 503 until it does");
            }
            exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfterSeconds));
            refuse(exchange, 503, "Kafka is not reachable; nothing was accepted, retry later");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse(exchange, 503, "shutting down");
            return;
        }
        if (kafkaDown.compareAndSet(true, false)) {
            log.println("touchpoint gateway: Kafka acknowledges again");
        }
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode perTopic = answer.putObject("published");
        counts.forEach((topic, n) -> {
            perTopic.put(topic, n);
            published.computeIfAbsent(topic, t -> new LongAdder()).add(n);
        });
        if (ignoredCount != null) {
            answer.put("ignored", ignoredCount);
        }
        respond(exchange, status, answer);
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange, null)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                refuse(exchange, 401, "missing or wrong token");
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            for (var section : Map.of("published", published, "ignored", ignored, "refused", refused).entrySet()) {
                ObjectNode node = answer.putObject(section.getKey());
                new TreeMap<>(section.getValue()).forEach((k, v) -> node.put(k, v.sum()));
            }
            respond(exchange, 200, answer);
        }
    }

    private boolean authorized(HttpExchange exchange, String pathSecret) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String given = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).strip();
        } else if (pathSecret != null) {
            given = pathSecret;
        }
        // constant-time comparison, so that response times do not reveal how much of a guess was right
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    /** The body, or null when it is over the limit (then not read further than the limit). */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBody) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                if (out.size() > maxBody) {
                    return null;
                }
            }
        }
        return out.toByteArray();
    }

    private void refuse(HttpExchange exchange, int status, String message) throws IOException {
        count(refused, Integer.toString(status));
        respond(exchange, status, error(message));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void count(Map<String, LongAdder> counters, String key) {
        counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static void respond(HttpExchange exchange, int status, JsonNode answer) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(1);
        workers.shutdown();
        publisher.close();
    }
}
