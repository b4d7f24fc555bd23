package io.touchpoint.pipeline;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.Minutes;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code pipeline} (SPEC §4.7): per source topic, one point at every minute of processing time with the records
 * read, dead letters, duplicates and too-late events reported during that minute, the watermark lag, and
 * {@code window_delay_s}: how long after its end the latest minute was closed, i.e. its 1-minute windows emitted
 * (they fire when the watermark passes the minute's end, which this function sees at the same time as the window
 * functions; the sink writes them within {@code influx.flush-interval}). That is the freshness of the board.
 *
 * <p>State per source: the counts since the last point, the latest watermark reported and the last window delay. A
 * processing-time timer writes a point every minute for as long as the job runs (zeros included, so a stalled input
 * shows); an event-time timer at the end of time writes the last partial minute when a bounded run finishes (with
 * the delay of the latest minute the reporters' watermarks reached, which the end of input closes), and one
 * event-time timer at the end of the next minute to close measures the window delay.
 */
public class PipelineHealthFunction extends KeyedProcessFunction<String, PipelineCount, MetricPoint> {

    private transient ValueState<PipelineCount> counts;
    private transient MapState<Integer, Long> watermarks;

    @Override
    public void open(OpenContext context) {
        counts = getRuntimeContext().getState(
                new ValueStateDescriptor<>("counts", TypeInformation.of(PipelineCount.class)));
        watermarks = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("watermarks", Types.INT, Types.LONG));
    }

    @Override
    public void processElement(PipelineCount report, Context ctx, Collector<MetricPoint> out) throws Exception {
        PipelineCount current = counts.value();
        if (current == null) {
            current = new PipelineCount();
            current.source = report.source;
            long now = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerProcessingTimeTimer(Minutes.start(now) + Minutes.MINUTE);
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        current.addAll(report);
        long watermark = ctx.timerService().currentWatermark();
        if (current.windowTimer == Long.MIN_VALUE && watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
            current.windowTimer = Minutes.firstUnfiredEnd(watermark) - 1;
            ctx.timerService().registerEventTimeTimer(current.windowTimer);
        }
        counts.update(current);
        if (report.watermark != Long.MIN_VALUE) {
            watermarks.put(report.reporter, report.watermark);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        PipelineCount current = counts.value();
        long now = ctx.timerService().currentProcessingTime();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME && timestamp == current.windowTimer) {
            current.windowDelayMillis = now - (timestamp + 1);
            long watermark = ctx.timerService().currentWatermark();
            // a watermark that jumped several minutes (a replay) closed them all at once: measure the next open one
            current.windowTimer = watermark == Long.MAX_VALUE ? Long.MIN_VALUE : Minutes.firstUnfiredEnd(watermark) - 1;
            if (current.windowTimer != Long.MIN_VALUE) {
                ctx.timerService().registerEventTimeTimer(current.windowTimer);
            }
            counts.update(current);
            return;
        }
        current.watermark = Long.MIN_VALUE;
        long latest = Long.MIN_VALUE;
        for (long w : watermarks.values()) {
            current.watermark = current.watermark == Long.MIN_VALUE ? w : Math.min(current.watermark, w);
            latest = Math.max(latest, w);
        }
        if (timestamp == Long.MAX_VALUE) {
            // The end of input closes every minute at once, the latest one with data included: that minute's delay
            // is the run's last word on freshness, whether or not a watermark reached this function before.
            if (latest != Long.MIN_VALUE) {
                current.windowDelayMillis = now - (Minutes.start(latest) + Minutes.MINUTE);
            }
            if (!current.isEmpty()) {
                out.collect(point(current, Minutes.start(now) + Minutes.MINUTE, now));
            }
        } else {
            out.collect(point(current, timestamp, now));
            ctx.timerService().registerProcessingTimeTimer(timestamp + Minutes.MINUTE);
        }
        PipelineCount next = new PipelineCount();
        next.source = current.source;
        next.windowDelayMillis = current.windowDelayMillis;
        next.windowTimer = current.windowTimer;
        counts.update(next);
    }

    static MetricPoint point(PipelineCount c, long at, long now) {
        MetricPoint.Builder point = MetricPoint.builder("pipeline", at)
                .tag("source", c.source)
                .count("records_in", c.recordsIn)
                .count("dead_letter", c.deadLetter)
                .count("duplicates", c.duplicates)
                .count("too_late", c.tooLate);
        if (c.watermark != Long.MIN_VALUE && c.watermark != Long.MAX_VALUE) {
            point.value("watermark_lag_s", (now - c.watermark) / 1000.0);
        }
        if (c.windowDelayMillis != Long.MIN_VALUE) {
            point.value("window_delay_s", c.windowDelayMillis / 1000.0);
        }
        return point.build();
    }
}
