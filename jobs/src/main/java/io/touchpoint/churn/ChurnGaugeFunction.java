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
 * plus one zero point when both gauges return to zero. Timing: see {@link MinuteGaugeFunction}.
 *
 * <p>State per channel: the two gauge counts (cleared at zero).
 */
public class ChurnGaugeFunction extends MinuteGaugeFunction<ChurnDelta> {

    private transient ValueState<Long> high;
    private transient ValueState<Long> medium;
    private transient ValueState<Boolean> wasActive;

    public ChurnGaugeFunction() {
        super(ChurnDelta.class);
    }

    @Override
    public void open(OpenContext context) throws Exception {
        super.open(context);
        high = getRuntimeContext().getState(new ValueStateDescriptor<>("high", Types.LONG));
        medium = getRuntimeContext().getState(new ValueStateDescriptor<>("medium", Types.LONG));
        wasActive = getRuntimeContext().getState(new ValueStateDescriptor<>("was-active", Types.BOOLEAN));
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
        high.update(value(high) + change.high);
        medium.update(value(medium) + change.medium);
    }

    @Override
    protected boolean close(String channel, long at, List<ChurnDelta> due, Collector<MetricPoint> out)
            throws Exception {
        long h = value(high);
        long m = value(medium);
        boolean transitions = due.stream().anyMatch(d -> d.newHigh + d.newMedium + d.recovered > 0);
        boolean active = h != 0 || m != 0;
        if (active || transitions || Boolean.TRUE.equals(wasActive.value())) {
            out.collect(MetricPoint.builder("churn_risk", at)
                    .tag("channel", channel)
                    .count("new_high_risk", due.stream().mapToLong(d -> d.newHigh).sum())
                    .count("new_medium_risk", due.stream().mapToLong(d -> d.newMedium).sum())
                    .count("recovered", due.stream().mapToLong(d -> d.recovered).sum())
                    .count("high_risk_customers", h)
                    .count("medium_risk_customers", m)
                    .build());
        }
        if (active) {
            wasActive.update(true);
            return true;
        }
        wasActive.clear();
        high.clear();
        medium.clear();
        return false;
    }

    private static long value(ValueState<Long> state) throws Exception {
        return state.value() == null ? 0 : state.value();
    }
}
