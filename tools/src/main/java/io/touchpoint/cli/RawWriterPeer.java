package io.touchpoint.cli;

import io.touchpoint.influx.LineProtocol;
import io.touchpoint.influx.MetricPoint;
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

/**
 * The raw-writer peer of {@code bench}: what the same influxd accepts from plain HTTP writers with nothing else to
 * do. It writes N line-protocol points shaped like the job's (survey, first-response and volume windows over a few
 * hundred series, one point per series and minute) in batches of the sink's size, from as many threads as the sink
 * has writers, each batch one POST to {@code /write} with millisecond precision as the sink sends it.
 */
final class RawWriterPeer {

    private static final String[] CHANNELS = {"chat", "email", "phone", "sms", "social", "web"};
    private static final String[] TOUCHPOINTS = {"billing", "orders", "returns", "support", "other"};

    private RawWriterPeer() {}

    /** Writes {@code points} points to database {@code database}; returns the seconds it took. */
    static double write(String url, String database, long points, int batchSize, int writers) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        http.send(HttpRequest.newBuilder(URI.create(url + "/query?q="
                        + URLEncoder.encode("CREATE DATABASE \"" + database + "\"", StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        URI write = URI.create(url + "/write?precision=ms&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        // The batches are encoded before the clock starts: the peer measures InfluxDB, not string building.
        List<byte[]> batches = new ArrayList<>();
        StringBuilder batch = new StringBuilder();
        int inBatch = 0;
        long minute = 1_793_000_000_000L / 60_000 * 60_000;
        for (long i = 0; i < points; i++) {
            batch.append(LineProtocol.encode(point(i, minute))).append('\n');
            if (++inBatch == batchSize || i == points - 1) {
                batches.add(batch.toString().getBytes(StandardCharsets.UTF_8));
                batch.setLength(0);
                inBatch = 0;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long started = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    for (int b = first; b < batches.size(); b += writers) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(write)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(batches.get(b))).build(),
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
