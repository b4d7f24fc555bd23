package io.touchpoint.cli;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.SimulateCommand;
import io.touchpoint.simulate.Simulator;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * {@code touchpoint bench live [--minutes M] [--scale X]}: freshness in live mode at the default settings. The job
 * runs unbounded (as {@code run} does) while the steady simulation is published as it happens ({@code simulate
 * --speed 1}); InfluxDB is polled twice a second, and for every minute the delay from the minute's end to the
 * moment its {@code interactions}, {@code nps} (1m) and {@code backlog} points are first readable is recorded.
 * The first two minutes (start-up) are left out.
 */
final class LiveBench {

    private static final long MINUTE = 60_000L;
    private static final String[][] PROBES = {
        {"interactions", "SELECT events, channel FROM interactions WHERE time > now() - 10m"},
        {"nps 1m", "SELECT responses, channel FROM nps WHERE \"window\" = '1m' AND time > now() - 10m"},
        {"backlog", "SELECT awaiting_first_reply, channel FROM backlog WHERE time > now() - 10m"},
    };

    private LiveBench() {}

    static int run(BenchStack stack, int minutes, double scale, int parallelism, PrintStream out) throws Exception {
        Configuration config = new Configuration();
        config.set(MonitorOptions.KAFKA_BOOTSTRAP, stack.bootstrap());
        config.set(MonitorOptions.INFLUX_URL, stack.influx().url());
        config.set(MonitorOptions.INFLUX_DATABASE, "live");
        config.set(MonitorOptions.BOUNDED, false);
        config.set(MonitorOptions.PARALLELISM, parallelism);
        config.set(MonitorOptions.CHECKPOINT_DIR, LocalRun.defaultCheckpointDir());
        out.printf("live: watermark.out-of-orderness %s, idleness %s, live-max-lag %s, influx.flush-interval %s%n",
                config.get(MonitorOptions.OUT_OF_ORDERNESS), config.get(MonitorOptions.IDLENESS),
                config.get(MonitorOptions.LIVE_MAX_LAG), config.get(MonitorOptions.INFLUX_FLUSH_INTERVAL));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        MonitorMain.job(config).build(env);
        JobClient job = env.executeAsync("touchpoint-monitor live bench");
        Instant start = Instant.now();
        Thread traffic = new Thread(() -> {
            try (Publisher publisher = new Publisher(stack.bootstrap(), "cx.interactions", "cx.surveys",
                    new Properties())) {
                Simulator simulator = new Simulator(Scenario.steady(), start, Duration.ofMinutes(minutes + 3), 17, scale);
                SimulateCommand.publish(simulator, publisher, 1.0, start.toEpochMilli());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "live-traffic");
        traffic.setDaemon(true);
        traffic.start();
        long firstCounted = (start.toEpochMilli() / MINUTE + 2) * MINUTE;
        long lastCounted = firstCounted + minutes * MINUTE;
        List<Map<String, Long>> firstSeen = new ArrayList<>();
        for (int i = 0; i < PROBES.length; i++) {
            firstSeen.add(new HashMap<>());
        }
        try (InfluxDB influx = InfluxDBFactory.connect(stack.influx().url())) {
            while (System.currentTimeMillis() < lastCounted + 60_000) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < PROBES.length; i++) {
                    QueryResult r = influx.query(new Query(PROBES[i][1], "live"), TimeUnit.MILLISECONDS);
                    if (r.getResults() == null || r.getResults().get(0).getSeries() == null) {
                        continue;
                    }
                    for (List<Object> row : r.getResults().get(0).getSeries().get(0).getValues()) {
                        long time = ((Number) row.get(0)).longValue();
                        firstSeen.get(i).putIfAbsent(row.get(2) + "@" + time, now);
                    }
                }
                Thread.sleep(500);
            }
        } finally {
            traffic.interrupt();
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < PROBES.length; i++) {
            List<Long> delays = new ArrayList<>();
            for (Map.Entry<String, Long> e : firstSeen.get(i).entrySet()) {
                long end = Long.parseLong(e.getKey().substring(e.getKey().indexOf('@') + 1));
                if (end >= firstCounted && end <= lastCounted) {
                    delays.add(e.getValue() - end);
                }
            }
            all.addAll(delays);
            print(out, PROBES[i][0], delays);
        }
        print(out, "all three", all);
        return 0;
    }

    private static void print(PrintStream out, String what, List<Long> delays) {
        if (delays.isEmpty()) {
            out.printf("  %-13s no points in the measured minutes%n", what);
            return;
        }
        delays.sort(null);
        out.printf("  %-13s %4d points: delay from the minute's end to readable p50 %.1f s, p99 %.1f s, max %.1f s%n",
                what, delays.size(), rank(delays, 50) / 1000.0, rank(delays, 99) / 1000.0,
                delays.get(delays.size() - 1) / 1000.0);
    }

    /** Nearest rank, as the first-response percentiles. */
    private static long rank(List<Long> sorted, int percent) {
        return sorted.get((int) ((percent * (long) sorted.size() + 99) / 100) - 1);
    }
}
