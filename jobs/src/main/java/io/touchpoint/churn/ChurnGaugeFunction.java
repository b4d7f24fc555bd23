package io.touchpoint.churn;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinuteGaugeFunction;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * {@code churn_risk} (SPEC §4.6) per channel: the transitions of the minute before each boundary
 * ({@code new_high_risk}, {@code new_medium_risk}, {@code recovered}) and the customers currently at HIGH and MEDIUM
 * attributed to the channel. Written at every boundary while a gauge is non-zero or the minute had a transition,
 * plus one zero point when both gauges return to zero. Timing, and the rewrite of the points from the minute of a
 * late change (a retraction or a change found by a customer's re-evaluation): see {@link MinuteGaugeFunction}.
 *
 * <p>State per channel: the two gauge counts (cleared at zero), and what {@link MinuteGaugeFunction} keeps.
 */
public class ChurnGaugeFunction extends MinuteGaugeFunction<ChurnDelta> {

    private transient ValueState<Long> high;
    private transient ValueState<Long> medium;

    public ChurnGaugeFunction(long allowedLatenessMillis) {
        super(ChurnDelta.class, allowedLatenessMillis);
    }

    @Override
    public void open(OpenContext context) throws Exception {
        super.open(context);
        high = getRuntimeContext().getState(new ValueStateDescriptor<>("high", Types.LONG));
        medium = getRuntimeContext().getState(new ValueStateDescriptor<>("medium", Types.LONG));
    }

    @Override
    protected long timeOf(ChurnDelta change) {
        return change.at;
    }

    @Override
    protected ChurnDelta copy(ChurnDelta change) {
        return change.copy();
    }

    @Override
    protected void apply(ChurnDelta change) throws Exception {
        add(change, 1);
    }

    @Override
    protected void undo(ChurnDelta change) throws Exception {
        add(change, -1);
    }

    private void add(ChurnDelta change, int sign) throws Exception {
        high.update(value(high) + sign * change.high);
        medium.update(value(medium) + sign * change.medium);
    }

    @Override
    protected boolean close(String channel, long at, List<ChurnDelta> due, Collector<MetricPoint> out)
            throws Exception {
        return close(channel, at, due, false, out);
    }

    @Override
    protected boolean close(String channel, long at, List<ChurnDelta> due, boolean writtenBefore,
            Collector<MetricPoint> out) throws Exception {
        long h = value(high);
        long m = value(medium);
        long newHigh = due.stream().mapToLong(d -> d.newHigh).sum();
        long newMedium = due.stream().mapToLong(d -> d.newMedium).sum();
        long recovered = due.stream().mapToLong(d -> d.recovered).sum();
        // the gauges at the previous boundary: a channel that just emptied gets its zero point
        boolean wasActive = h - due.stream().mapToLong(d -> d.high).sum() != 0
                || m - due.stream().mapToLong(d -> d.medium).sum() != 0;
        boolean active = h != 0 || m != 0;
        if (active || newHigh != 0 || newMedium != 0 || recovered != 0 || wasActive || writtenBefore) {
            out.collect(MetricPoint.builder("churn_risk", at)
                    .tag("channel", channel)
                    .count("new_high_risk", newHigh)
                    .count("new_medium_risk", newMedium)
                    .count("recovered", recovered)
                    .count("high_risk_customers", h)
                    .count("medium_risk_customers", m)
                    .build());
        }
        if (active) {
            return true;
        }
        high.clear();
        medium.clear();
        return false;
    }

    private static long value(ValueState<Long> state) throws Exception {
        return state.value() == null ? 0 : state.value();
    }
}
