package io.touchpoint.cli;

import io.touchpoint.influx.LineProtocol;
import io.touchpoint.influx.MetricPoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * The raw-writer peer of {@code bench}: what the same influxd accepts from plain HTTP writers with nothing else to
 * do. It writes N line-protocol points shaped like the job's (survey, first-response and volume windows over a few
 * hundred series, one point per series and minute) in batches of the sink's size, from as many threads as the sink
 * has writers, each batch one POST to {@code /write} with millisecond precision as the sink sends it; {@code bench
 * sink} has it write the job's own points instead, split as the job's writers received them.
 */
final class RawWriterPeer {

    private static final String[] CHANNELS = {"chat", "email", "phone", "sms", "social", "web"};
    private static final String[] TOUCHPOINTS = {"billing", "orders", "returns", "support", "other"};

    private RawWriterPeer() {}

    /**
     * Writes {@code points} points shaped like the job's to database {@code database}, in batches of
     * {@code batchSize} spread over {@code writers} writers, with millisecond precision; returns the seconds it took.
     */
    static double write(String url, String database, long points, int batchSize, int writers) throws Exception {
        List<List<MetricPoint>> perWriter = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            perWriter.add(new ArrayList<>());
        }
        long minute = 1_793_000_000_000L / 60_000 * 60_000;
        for (long i = 0; i < points; i++) {
            // batch b goes to writer b % writers, as the peer always spread them
            perWriter.get((int) ((i / batchSize) % writers)).add(point(i, minute));
        }
        return write(url, database, perWriter, batchSize, false, false);
    }

    /**
     * Writes each list of points by its own writer to database {@code database} in batches of {@code batchSize},
     * gzip-compressed or not, with second precision (every timestamp must then be a whole second) or millisecond;
     * returns the seconds from the first request to the last answer.
     */
    static double write(String url, String database, List<List<MetricPoint>> perWriter, int batchSize, boolean gzip,
            boolean seconds) throws Exception {
        List<List<String>> batches = new ArrayList<>();
        for (List<MetricPoint> points : perWriter) {
            List<String> mine = new ArrayList<>();
            StringBuilder batch = new StringBuilder();
            int inBatch = 0;
            for (MetricPoint point : points) {
                String line = LineProtocol.encode(point);
                if (line == null) {
                    continue;
                }
                if (inBatch > 0) {
                    batch.append('\n');
                }
                batch.append(seconds ? inSeconds(line) : line);
                if (++inBatch == batchSize) {
                    mine.add(batch.toString());
                    batch.setLength(0);
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                mine.add(batch.toString());
            }
            batches.add(mine);
        }
        return send(url, database, batches, gzip, seconds);
    }

    /**
     * Sends each list of batches (line-protocol text) by its own writer, gzip-compressed or not, with second or
     * millisecond precision; returns the seconds from the first request to the last answer.
     */
    static double send(String url, String database, List<List<String>> perWriter, boolean gzip, boolean seconds)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        http.send(HttpRequest.newBuilder(URI.create(url + "/query?q="
                        + URLEncoder.encode("CREATE DATABASE \"" + database + "\"", StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        URI write = URI.create(url + "/write?precision=" + (seconds ? "s" : "ms") + "&db="
                + URLEncoder.encode(database, StandardCharsets.UTF_8));
        // The bodies are made (and compressed) before the clock starts: the peer measures InfluxDB, not a client.
        List<List<byte[]>> bodies = new ArrayList<>();
        for (List<String> batches : perWriter) {
            List<byte[]> mine = new ArrayList<>();
            for (String batch : batches) {
                mine.add(body(batch, gzip));
            }
            bodies.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        long started = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<byte[]> mine : bodies) {
                done.add(pool.submit(() -> {
                    for (byte[] body : mine) {
                        HttpRequest.Builder request = HttpRequest.newBuilder(write)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                        if (gzip) {
                            request.header("Content-Encoding", "gzip");
                        }
                        HttpResponse<String> response = http.send(request.build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() / 100 != 2) {
                            throw new IOException("influxd answered " + response.statusCode() + ": " + response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** The line with its millisecond timestamp written in seconds. */
    private static String inSeconds(String line) {
        if (!line.endsWith("000")) {
            throw new IllegalArgumentException("not a whole second: " + line);
        }
        return line.substring(0, line.length() - 3);
    }

    private static byte[] body(String lines, boolean gzip) throws IOException {
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        if (!gzip) {
            return bytes;
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(bytes);
        }
        return compressed.toByteArray();
    }

    /** The i-th point: 330 series (survey, FRT and volume windows), each written once per minute. */
    private static MetricPoint point(long i, long firstMinute) {
        int series = (int) (i % 330);
        long at = firstMinute + (i / 330) * 60_000;
        String channel = CHANNELS[series % CHANNELS.length];
        double x = (i * 7919) % 1000 / 10.0;
        if (series < 60) {
            return MetricPoint.builder("nps_touchpoint", at).tag("channel", channel)
                    .tag("window", series % 2 == 0 ? "1m" : "1h").tag("touchpoint", TOUCHPOINTS[series / 12])
                    .count("responses", 40).count("promoters", 20).count("passives", 10).count("detractors", 10)
                    .value("nps", x).value("nps_ci95_low", x - 20).value("nps_ci95_high", x + 5).build();
        }
        if (series < 240) {
            return MetricPoint.builder("first_response", at).tag("channel", channel + (series / 6))
                    .tag("window", series % 2 == 0 ? "1m" : "15m").count("replies", 12).value("frt_mean_s", x)
                    .value("frt_p50_s", x).value("frt_p90_s", x * 2).value("frt_p95_s", x * 3).value("frt_max_s", x * 4)
                    .count("within_sla", 10).count("breached", 2).value("sla_target_s", 120).build();
        }
        return MetricPoint.builder("interactions", at).tag("channel", channel + (series / 6)).count("events", 120)
                .count("conversations_opened", 20).count("customer_messages", 40).count("agent_messages", 30)
                .count("bot_messages", 10).count("resolved", 15).count("reopened", 1).count("cancellations", 1).build();
    }
}
