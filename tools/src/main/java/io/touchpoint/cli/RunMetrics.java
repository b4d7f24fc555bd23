package io.touchpoint.cli;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The few Flink metrics {@code run}'s status line reads, collected by a metric reporter that the local mini-cluster
 * loads in this JVM (the job runs here, so the metrics are plain objects to read). State: references to the
 * metrics, added and removed as Flink registers them, in one static holder for the run.
 */
public final class RunMetrics {

    /** The reporter's configuration key; set in the configuration of the local environment. */
    public static final String REPORTER_KEY = "metrics.reporter.touchpoint-status.factory.class";

    static final List<Counter> RECORDS_READ = new CopyOnWriteArrayList<>();
    static final List<Counter> POINTS_WRITTEN = new CopyOnWriteArrayList<>();
    static final List<Counter> DEAD_LETTERS = new CopyOnWriteArrayList<>();
    static final List<Gauge<?>> WATERMARK_LAGS = new CopyOnWriteArrayList<>();
    static final List<Gauge<?>> COMPLETED_CHECKPOINTS = new CopyOnWriteArrayList<>();

    private RunMetrics() {}

    /** A mini-cluster configuration that loads this reporter, for the status and progress lines. */
    static org.apache.flink.configuration.Configuration reporting() {
        org.apache.flink.configuration.Configuration config = new org.apache.flink.configuration.Configuration();
        config.setString(REPORTER_KEY, Factory.class.getName());
        return config;
    }

    /** The values now: sums over the parallel instances; watermark lag the largest. */
    static RunStatus.Sample sample(long nowMillis) {
        long lag = -1;
        for (Gauge<?> g : WATERMARK_LAGS) {
            if (g.getValue() instanceof Number n && n.longValue() < Long.MAX_VALUE / 2) {
                lag = Math.max(lag, n.longValue());
            }
        }
        long checkpoints = 0;
        for (Gauge<?> g : COMPLETED_CHECKPOINTS) {
            if (g.getValue() instanceof Number n) {
                checkpoints = Math.max(checkpoints, n.longValue());
            }
        }
        return new RunStatus.Sample(nowMillis, sum(RECORDS_READ), sum(POINTS_WRITTEN), sum(DEAD_LETTERS), lag,
                checkpoints);
    }

    private static long sum(List<Counter> counters) {
        return counters.stream().mapToLong(Counter::getCount).sum();
    }

    /** Loaded by Flink through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }

    static final class Reporter implements MetricReporter {

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            TaskTimes.added(metric, name, group);
            List<? super Metric> list = listFor(metric, name, group);
            if (list != null) {
                list.add(metric);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            TaskTimes.removed(metric, name, group);
            List<? super Metric> list = listFor(metric, name, group);
            if (list != null) {
                list.remove(metric);
            }
        }

        /** The list a metric belongs in, by its name and the operator it measures (MonitorJob's names). */
        @SuppressWarnings("unchecked")
        private static List<? super Metric> listFor(Metric metric, String name, MetricGroup group) {
            Map<String, String> vars = group.getAllVariables();
            String operator = vars.getOrDefault("<operator_name>", "");
            if (metric instanceof Counter) {
                // what the ingest operators receive is what the Kafka sources read (a source's own counter stays 0)
                if (name.equals("numRecordsIn") && operator.startsWith("ingest ")) {
                    return (List<? super Metric>) (List<?>) RECORDS_READ;
                }
                if (name.equals("numRecordsIn") && operator.startsWith("influxdb")) {
                    return (List<? super Metric>) (List<?>) POINTS_WRITTEN;
                }
                if (name.equals("numRecordsIn") && operator.startsWith("dead letters")) {
                    return (List<? super Metric>) (List<?>) DEAD_LETTERS;
                }
            } else if (metric instanceof Gauge) {
                if (name.equals("watermarkLag")) {
                    return (List<? super Metric>) (List<?>) WATERMARK_LAGS;
                }
                if (name.equals("numberOfCompletedCheckpoints")) {
                    return (List<? super Metric>) (List<?>) COMPLETED_CHECKPOINTS;
                }
            }
            return null;
        }
    }
}
