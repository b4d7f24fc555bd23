package io.touchpoint.frt;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinutePaneFunction;
import org.apache.flink.util.Collector;

/**
 * {@code first_response} (SPEC §4.3): per channel, over the replies whose clock stopped inside the window, 1-minute
 * tumbling and 15-minute rolling windows (emitted every minute), exact nearest-rank percentiles. A retracted sample
 * (a late event moved or removed a reply) is taken out of its minute, and every window that held it is written
 * again; one left without samples is written with {@code replies} 0 and every other field 0 (InfluxDB keeps any field
 * of the old point that the new one leaves out). A bounded run writes each window once it is final, so it never
 * writes such a point: its windows are those of the time-sorted events.
 *
 * <p>Its input is the samples added up per channel and minute ({@link ReplyPartials}, see MonitorJob): sorted
 * partials, merged into the pane (a linear merge each), so a busy channel sends it about one record a minute and the
 * pane holds exactly the minute's samples; a late sample or a retraction arrives as a partial of one.
 * State: see {@link MinutePaneFunction}; each pane keeps the minute's samples.
 */
public class FrtWindowFunction extends MinutePaneFunction<String, ReplyPartial, ReplySamples> {

    public FrtWindowFunction(long allowedLatenessMillis) {
        this(allowedLatenessMillis, false);
    }

    /** @param finalOnly write each window once it is final (bounded runs): no zero point is ever needed */
    public FrtWindowFunction(long allowedLatenessMillis, boolean finalOnly) {
        super(ReplySamples.class, allowedLatenessMillis, finalOnly, 15);
    }

    @Override
    protected long timestampOf(ReplyPartial element) {
        return element.minute;
    }

    @Override
    protected ReplySamples newPane() {
        return new ReplySamples();
    }

    @Override
    protected void add(ReplySamples pane, ReplyPartial element) {
        pane.merge(element.samples);
    }

    @Override
    protected boolean isRetraction(ReplyPartial element) {
        return element.retracted;
    }

    @Override
    protected void remove(ReplySamples pane, ReplyPartial element) {
        element.takeBackFrom(pane);
    }

    @Override
    protected void merge(ReplySamples into, ReplySamples other) {
        into.merge(other);
    }

    @Override
    protected void subtract(ReplySamples from, ReplySamples other) {
        from.subtract(other);
    }

    @Override
    protected boolean isEmpty(ReplySamples pane) {
        return pane.count == 0;
    }

    @Override
    protected void emit(String channel, String window, long end, ReplySamples pane, Collector<MetricPoint> out) {
        out.collect(point(channel, window, end, pane));
    }

    public static MetricPoint point(String channel, String window, long end, ReplySamples pane) {
        if (pane.count == 0) {
            return MetricPoint.builder("first_response", end)
                    .tag("channel", channel)
                    .tag("window", window)
                    .count("replies", 0)
                    .value("frt_mean_s", 0)
                    .value("frt_p50_s", 0)
                    .value("frt_p90_s", 0)
                    .value("frt_p95_s", 0)
                    .value("frt_max_s", 0)
                    .count("within_sla", 0)
                    .count("breached", 0)
                    .value("sla_target_s", pane.slaTargetSeconds)
                    .build();
        }
        Percentiles p = pane.percentiles();
        return MetricPoint.builder("first_response", end)
                .tag("channel", channel)
                .tag("window", window)
                .count("replies", pane.count)
                .value("frt_mean_s", p.mean())
                .value("frt_p50_s", p.p50())
                .value("frt_p90_s", p.p90())
                .value("frt_p95_s", p.p95())
                .value("frt_max_s", p.max())
                .count("within_sla", pane.withinSla)
                .count("breached", pane.breached())
                .value("sla_target_s", pane.slaTargetSeconds)
                .build();
    }
}
