package io.touchpoint.cli;

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
 * {@code --sink discard}, drops them, so the job's own cost can be told apart from InfluxDB's; {@code bench sink}
 * also keeps them, per subtask, to write them again through the sink alone. The count and the kept points are
 * JVM-wide: the bench runs the job in a local mini-cluster.
 */
final class BenchSink implements Sink<MetricPoint> {

    private static final long serialVersionUID = 1L;
    static final AtomicLong POINTS = new AtomicLong();
    /** The points each subtask received, when kept. */
    static final Map<Integer, List<MetricPoint>> KEPT = new ConcurrentHashMap<>();

    /** Null: discard. */
    private final Sink<MetricPoint> delegate;
    private final boolean keep;

    BenchSink(Sink<MetricPoint> delegate) {
        this(delegate, false);
    }

    BenchSink(Sink<MetricPoint> delegate, boolean keep) {
        this.delegate = delegate;
        this.keep = keep;
    }

    @Override
    public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<MetricPoint> writer = delegate == null ? null : delegate.createWriter(context);
        // Each record reaches the sink as a new object (the sink is never chained to its inputs), so it can be kept.
        List<MetricPoint> kept = keep ? KEPT.computeIfAbsent(context.getTaskInfo().getIndexOfThisSubtask(),
                i -> new ArrayList<>()) : null;
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
