package io.touchpoint.cli;

import io.touchpoint.influx.InfluxSink;
import io.touchpoint.influx.MetricPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The metric sink of {@code bench}: counts the points the job emits and hands them to the InfluxDB sink, or, for
 * {@code --sink discard}, drops them, so the job's own cost can be told apart from InfluxDB's. With InfluxDB it keeps
 * the text of every batch the sink wrote, per subtask, for the raw-writer peer to send again; {@code bench sink}
 * keeps the points themselves, to write them again through the sink alone. The count and what is kept are JVM-wide:
 * the bench runs the job in a local mini-cluster.
 */
final class BenchSink implements Sink<MetricPoint> {

    private static final long serialVersionUID = 1L;
    static final AtomicLong POINTS = new AtomicLong();
    /** The points each subtask received, when kept. */
    static final Map<Integer, List<MetricPoint>> KEPT = new ConcurrentHashMap<>();
    /** The batches each subtask's InfluxDB writer wrote, as line-protocol text. */
    static final Map<Integer, List<String>> BATCHES = new ConcurrentHashMap<>();

    /** Null: discard. */
    private final InfluxSink delegate;
    private final boolean keep;

    BenchSink(InfluxSink delegate) {
        this(delegate, false);
    }

    BenchSink(InfluxSink delegate, boolean keep) {
        this.delegate = delegate;
        this.keep = keep;
    }

    @Override
    public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        List<String> batches = BATCHES.computeIfAbsent(subtask, i -> new ArrayList<>());
        SinkWriter<MetricPoint> writer = delegate == null ? null : delegate.createWriter(
                context.getProcessingTimeService(), context.metricGroup(), subtask, batches::add);
        // Each record reaches the sink as a new object (the sink is never chained to its inputs), so it can be kept.
        List<MetricPoint> kept = keep ? KEPT.computeIfAbsent(subtask, i -> new ArrayList<>()) : null;
        return new SinkWriter<>() {
            private long points;

            @Override
            public void write(MetricPoint point, Context ctx) throws IOException, InterruptedException {
                points++;
                if (kept != null) {
                    kept.add(point);
                }
                if (writer != null) {
                    writer.write(point, ctx);
                }
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                if (writer != null) {
                    writer.flush(endOfInput);
                }
                POINTS.addAndGet(points);
                points = 0;
            }

            @Override
            public void close() throws Exception {
                POINTS.addAndGet(points);
                points = 0;
                if (writer != null) {
                    writer.close();
                }
            }
        };
    }
}
