package io.touchpoint.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.influx.MetricPoint;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PipelineHealthFunctionTest {

    /** 10:07:00.000 UTC on some day, as epoch milliseconds (a whole minute). */
    private static final long T = 1_764_410_820_000L;

    @Test
    void aMinuteClosedByTheWatermarkReportsHowLongAfterItsEndThatHappened() throws Exception {
        try (var harness = harness()) {
            harness.setProcessingTime(T - 30_000);
            harness.processWatermark(T - 5_000);
            harness.processElement(report(3, T - 5_000), T - 5_000);
            // the watermark passes 10:07:00 - 1 ms when the wall clock reads 10:07:12.5
            harness.setProcessingTime(T + 12_500);
            harness.processWatermark(T + 1_000);
            // the point of 10:07:00 (its timer fired as the clock moved past it) had no closed minute yet; the
            // one of 10:08:00 carries the delay
            harness.setProcessingTime(T + 60_000);
            List<MetricPoint> points = harness.extractOutputValues();
            assertThat(points).extracting(p -> p.timestamp).containsExactly(T, T + 60_000);
            assertThat(points.get(0).field("window_delay_s")).isNaN();
            assertThat(points.get(0).field("records_in")).isEqualTo(3.0);
            assertThat(points.get(1).field("window_delay_s")).isEqualTo(12.5);
            assertThat(points.get(1).field("records_in")).isEqualTo(0.0);
        }
    }

    @Test
    void theEndOfABoundedRunReportsTheDelayOfTheLatestMinuteItClosed() throws Exception {
        try (var harness = harness()) {
            // a report arrives before any watermark: no window timer can be set, as in a short bounded run
            harness.setProcessingTime(T + 200_000);
            harness.processElement(report(7, T + 42_000), Long.MIN_VALUE);
            harness.processElement(reportFrom(1, 2, T + 61_000), Long.MIN_VALUE);
            harness.processWatermark(Long.MAX_VALUE);
            List<MetricPoint> points = harness.extractOutputValues();
            assertThat(points).hasSize(1);
            // the latest reported watermark lies in 10:08, which ends at 10:09:00 = T + 120 s; the run ends at T + 200 s
            assertThat(points.get(0).field("window_delay_s")).isEqualTo(80.0);
            assertThat(points.get(0).field("records_in")).isEqualTo(9.0);
            // the slowest reporter decides the lag: T + 200 s - (T + 42 s)
            assertThat(points.get(0).field("watermark_lag_s")).isEqualTo(158.0);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, PipelineCount, MetricPoint> harness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, PipelineCount, MetricPoint>(
                new KeyedProcessOperator<>(new PipelineHealthFunction()), c -> c.source, Types.STRING);
        harness.open();
        return harness;
    }

    private static PipelineCount report(long records, long watermark) {
        return reportFrom(0, records, watermark);
    }

    private static PipelineCount reportFrom(int reporter, long records, long watermark) {
        PipelineCount c = new PipelineCount();
        c.source = "cx.interactions";
        c.recordsIn = records;
        c.watermark = watermark;
        c.reporter = reporter;
        return c;
    }
}
