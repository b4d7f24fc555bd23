package io.touchpoint.cli;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
import io.touchpoint.influx.MetricPoint;
import java.io.PrintStream;
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
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * {@code touchpoint bench sink}: the job's own points written again by the real InfluxDB sink writers alone, and by
 * the raw-writer peer, variant by variant (batch size, writers, gzip, precision), each to a fresh database of the same
 * influxd. The points are those the job emitted in this run, split between writers as the job split them (or, for
 * another number of writers, by series, so that a series stays with one writer as it does in the job).
 */
final class SinkBench {

    /** One way of writing: batch size, writers, gzip, timestamps in seconds instead of milliseconds. */
    record Variant(int batchSize, int writers, boolean gzip, boolean seconds) {
        @Override
        public String toString() {
            return String.format("batch %,6d, %d writer%s, gzip %-3s, precision %-2s", batchSize, writers,
                    writers == 1 ? " " : "s", gzip ? "on" : "off", seconds ? "s" : "ms");
        }
    }

    /** The sink's writers have no flush timer here: batches fill by size and the last one goes on the final flush. */
    private static final ProcessingTimeService NO_TIMERS = new ProcessingTimeService() {
        @Override
        public long getCurrentProcessingTime() {
            return System.currentTimeMillis();
        }

        @Override
        public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
            return null; // never fires; InfluxSinkWriter does not use the handle
        }
    };

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private SinkBench() {}

    static int run(BenchStack stack, long events, double scale, int parallelism, long seed, long maxPoints,
            int repeats, List<Variant> variants, PrintStream out) throws Exception {
        BenchCommand.Published traffic = BenchCommand.publish(stack.bootstrap(), events, scale, seed, out);
        Configuration config = LocalRun.bounded(stack.bootstrap(), stack.influx().url(), "bench", parallelism);
        BenchSink.POINTS.set(0);
        BenchSink.KEPT.clear();
        double jobSeconds = BenchCommand.runJob(config, new BenchSink(null, true));
        long emitted = BenchSink.POINTS.get();
        out.printf("job (parallelism %d, sink discard, points kept): %,.0f events/s (%.1f s), %,d points, "
                + "%,.0f points/s%n", parallelism, traffic.events() / jobSeconds, jobSeconds, emitted,
                emitted / jobSeconds);
        List<List<MetricPoint>> bySubtask = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            bySubtask.add(BenchSink.KEPT.getOrDefault(i, List.of()));
        }
        BenchSink.KEPT.clear();
        bySubtask = firstPoints(bySubtask, maxPoints);
        long points = bySubtask.stream().mapToLong(List::size).sum();
        boolean wholeSeconds = bySubtask.stream().flatMap(List::stream).allMatch(p -> p.timestamp % 1000 == 0);
        out.printf("writing %,d of them per variant (%s), each to a fresh database, %d times; medians:%n", points,
                wholeSeconds ? "every timestamp a whole second" : "some timestamps not whole seconds", repeats);
        int defaultBatch = MonitorOptions.INFLUX_BATCH_SIZE.defaultValue();
        // One untimed round first, so that no variant pays for the JIT compiling the encoder and the HTTP clients.
        Variant first = variants.get(0);
        rates(stack, first.writers() == parallelism ? bySubtask : bySeries(bySubtask, first.writers()), first, points);
        for (Variant v : variants) {
            List<List<MetricPoint>> perWriter = v.writers() == parallelism ? bySubtask : bySeries(bySubtask,
                    v.writers());
            if (v.seconds() && !wholeSeconds) {
                out.printf("  %s: skipped, not every timestamp is a whole second%n", v);
                continue;
            }
            double[][] runs = new double[5][repeats];
            for (int r = 0; r < repeats; r++) {
                double[] figures = rates(stack, perWriter, v, points);
                for (int f = 0; f < figures.length; f++) {
                    runs[f][r] = figures[f];
                }
            }
            double sinkRate = median(runs[0]);
            double peerRate = median(runs[3]);
            out.printf("  %s: %s, peer %,9.0f points/s (influxd %4.1f us)%s%n", v,
                    v.seconds() ? "sink        -- (writes ms)                      " : String.format(
                            "sink %,9.0f points/s (writers %4.1f us, influxd %4.1f us)", sinkRate, median(runs[1]),
                            median(runs[2])),
                    peerRate, median(runs[4]),
                    v.seconds() ? "" : String.format(", sink/peer %3.0f %%", 100 * sinkRate / peerRate));
        }
        double synthetic = RawWriterPeer.write(stack.influx().url(), "synthetic", points, defaultBatch, parallelism);
        out.printf("bench's own peer (synthetic points of the job's shape, batch %,d, %d writers, ms): %,.0f points/s "
                + "(%.1f s)%n", defaultBatch, parallelism, points / synthetic, synthetic);
        return Cli.OK;
    }

    /**
     * One write by the sink and one by the peer: the sink's points/s, its writer threads' CPU and influxd's CPU in
     * microseconds per point, then the peer's points/s and influxd's CPU per point (the sink's figures NaN for second
     * precision, which it does not write).
     */
    private static double[] rates(BenchStack stack, List<List<MetricPoint>> perWriter, Variant v, long points)
            throws Exception {
        String url = stack.influx().url();
        double[] figures = {Double.NaN, Double.NaN, Double.NaN, 0, 0};
        if (!v.seconds()) {
            long influxd = influxdCpuNanos(stack);
            double[] sink = throughSink(url, "sink", perWriter, v);
            figures[0] = points / sink[0];
            figures[1] = sink[1] / 1e3 / points;
            figures[2] = (influxdCpuNanos(stack) - influxd) / 1e3 / points;
            drop(url, "sink");
        }
        long influxd = influxdCpuNanos(stack);
        figures[3] = points / RawWriterPeer.write(url, "peer", perWriter, v.batchSize(), v.gzip(), v.seconds());
        figures[4] = (influxdCpuNanos(stack) - influxd) / 1e3 / points;
        drop(url, "peer");
        return figures;
    }

    private static long influxdCpuNanos(BenchStack stack) {
        return ProcessHandle.of(stack.influx().pid()).flatMap(p -> p.info().totalCpuDuration())
                .map(java.time.Duration::toNanos).orElse(0L);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The real sink's writers, one thread each, writing their points and flushing at the end; returns the seconds and
     * the CPU nanoseconds of the writer threads (encoding and the HTTP client, which sends in the calling thread).
     */
    private static double[] throughSink(String url, String database, List<List<MetricPoint>> perWriter, Variant v)
            throws Exception {
        InfluxSettings defaults = InfluxSettings.from(new Configuration());
        // writes in the calling thread: each writer has a thread of its own here, and its CPU is what is measured
        InfluxSettings settings = new InfluxSettings(url, database, null, null, v.batchSize(),
                defaults.flushInterval(), defaults.retryMaxBackoff(), defaults.retryTimeout(), v.gzip(), false);
        InfluxSink sink = new InfluxSink(settings);
        List<SinkWriter<MetricPoint>> writers = new ArrayList<>();
        for (int w = 0; w < perWriter.size(); w++) {
            writers.add(sink.createWriter(NO_TIMERS, new UnregisteredMetricsGroup(), w, batch -> {}));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        long started = System.nanoTime();
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int w = 0; w < writers.size(); w++) {
                SinkWriter<MetricPoint> writer = writers.get(w);
                List<MetricPoint> points = perWriter.get(w);
                done.add(pool.submit(() -> {
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    for (MetricPoint p : points) {
                        writer.write(p, null);
                    }
                    writer.flush(true);
                    return THREADS.getCurrentThreadCpuTime() - cpu;
                }));
            }
            long cpu = 0;
            for (Future<Long> f : done) {
                cpu += f.get();
            }
            return new double[] {(System.nanoTime() - started) / 1e9, cpu};
        } finally {
            pool.shutdownNow();
            for (SinkWriter<MetricPoint> writer : writers) {
                writer.close();
            }
        }
    }

    /** At most {@code max} points in all, the same share from every writer, in the order they came. */
    private static List<List<MetricPoint>> firstPoints(List<List<MetricPoint>> perWriter, long max) {
        long total = perWriter.stream().mapToLong(List::size).sum();
        if (max <= 0 || total <= max) {
            return perWriter;
        }
        List<List<MetricPoint>> first = new ArrayList<>();
        for (List<MetricPoint> points : perWriter) {
            first.add(points.subList(0, (int) (points.size() * (double) max / total)));
        }
        return first;
    }

    /** The points re-split between {@code writers} writers by series, each writer keeping the order it had. */
    private static List<List<MetricPoint>> bySeries(List<List<MetricPoint>> perWriter, int writers) {
        List<List<MetricPoint>> split = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            split.add(new ArrayList<>());
        }
        for (List<MetricPoint> points : perWriter) {
            for (MetricPoint p : points) {
                split.get(Math.floorMod(p.seriesKey().hashCode(), writers)).add(p);
            }
        }
        return split;
    }

    private static void drop(String url, String database) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/query?q="
                        + URLEncoder.encode("DROP DATABASE \"" + database + "\"", StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }
}
