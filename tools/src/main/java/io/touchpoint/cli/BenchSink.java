package io.touchpoint.cli;

import io.touchpoint.influx.MetricPoint;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The metric sink of {@code bench}: counts the points the job emits and hands them to the InfluxDB sink, or, for
 * {@code --sink discard}, drops them, so the job's own cost can be told apart from InfluxDB's. The count is
 * JVM-wide: the bench runs the job in a local mini-cluster.
 */
final class BenchSink implements Sink<MetricPoint> {

    private static final long serialVersionUID = 1L;
    static final AtomicLong POINTS = new AtomicLong();

    /** Null: discard. */
    private final Sink<MetricPoint> delegate;

    BenchSink(Sink<MetricPoint> delegate) {
        this.delegate = delegate;
    }

    @Override
    public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<MetricPoint> writer = delegate == null ? null : delegate.createWriter(context);
        return new SinkWriter<>() {
            private long points;

            @Override
            public void write(MetricPoint point, Context ctx) throws IOException, InterruptedException {
                points++;
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
