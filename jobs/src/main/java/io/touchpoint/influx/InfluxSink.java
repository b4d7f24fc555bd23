package io.touchpoint.influx;

import java.io.IOException;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The InfluxDB sink (SPEC §6): batches points, writes everything buffered before each checkpoint and at end of
 * input, retries with backoff and fails the checkpoint rather than drop points. Points are deterministic, so the
 * writes a restart repeats overwrite the same points instead of counting twice. Points InfluxDB drops as older than
 * its retention policy are counted; any other refusal stops the job (see {@link InfluxSinkWriter}).
 */
public class InfluxSink implements Sink<MetricPoint> {

    private static final long serialVersionUID = 1L;

    private final InfluxSettings settings;

    public InfluxSink(InfluxSettings settings) {
        this.settings = settings;
    }

    @Override
    public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
        return createWriter(context.getProcessingTimeService(), context.metricGroup(),
                context.getTaskInfo().getIndexOfThisSubtask(), batch -> {});
    }

    /**
     * The writer of subtask {@code subtask}, outside a Flink task too (the sink benchmark drives it from its own
     * threads): {@code timers} must run their callbacks in the thread that writes. {@code written} receives the
     * line-protocol text of every batch once InfluxDB has accepted it (the benchmark's raw-writer peer sends the same
     * text again).
     */
    public SinkWriter<MetricPoint> createWriter(ProcessingTimeService timers, MetricGroup metrics, int subtask,
            Consumer<String> written) throws IOException {
        return new InfluxSinkWriter(settings, InfluxConnections.open(settings), timers, metrics, subtask, written);
    }
}
