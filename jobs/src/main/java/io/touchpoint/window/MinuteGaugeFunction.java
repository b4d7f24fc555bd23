package io.touchpoint.window;

import io.touchpoint.influx.MetricPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A gauge written at minute boundaries (backlog, churn levels): changes are held until the watermark passes their
 * minute and then applied in event-time order, so the value at boundary t reflects exactly the changes before t
 * (one at exactly t belongs to the next minute). While the gauge is active it is written at every boundary; a
 * change that arrives after its minute was written updates the state without rewriting points.
 *
 * <p>Live mode: the watermark follows the wall clock when input is quiet, so an active gauge keeps being written.
 * Bounded mode: the broadcast input carries the last event time of the run, and nothing is written past the
 * boundary that closes that minute (the gauges end at the last event-time minute, not at the end of time).
 *
 * <p>State per key: the changes waiting for their minute (removed when applied), a sequence for their keys, and
 * whatever the subclass keeps.
 */
public abstract class MinuteGaugeFunction<IN> extends KeyedBroadcastProcessFunction<String, IN, Long, MetricPoint> {

    public static final MapStateDescriptor<String, Long> HORIZON =
            new MapStateDescriptor<>("event-time-horizon", Types.STRING, Types.LONG);
    private static final String HORIZON_KEY = "max";

    private final Class<IN> type;
    private transient MapState<Long, IN> pending;
    private transient ValueState<Long> sequence;

    protected MinuteGaugeFunction(Class<IN> type) {
        this.type = type;
    }

    protected abstract long timeOf(IN change);

    /** A copy of the input to keep in state (with object reuse the input object is overwritten by the next one). */
    protected abstract IN copy(IN change);

    /** Applies a change to the subclass's state without writing anything. */
    protected abstract void apply(IN change) throws Exception;

    /**
     * Writes the gauge at boundary {@code at} after applying {@code due} (the changes of the minute before it, in
     * time order), and says whether it is still active, i.e. must be written at the next boundary too.
     */
    protected abstract boolean close(String key, long at, List<IN> due, Collector<MetricPoint> out) throws Exception;

    @Override
    public void open(OpenContext context) throws Exception {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                TypeInformation.of(type)));
        sequence = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence", Types.LONG));
    }

    @Override
    public void processElement(IN input, ReadOnlyContext ctx, Collector<MetricPoint> out) throws Exception {
        IN change = copy(input);
        long end = Minutes.start(timeOf(change)) + Minutes.MINUTE;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && end - 1 <= watermark) {
            apply(change);
            return;
        }
        long seq = sequence.value() == null ? 0 : sequence.value();
        pending.put(seq, change);
        sequence.update(seq + 1);
        ctx.timerService().registerEventTimeTimer(end - 1);
    }

    @Override
    public void processBroadcastElement(Long lastEventTime, Context ctx, Collector<MetricPoint> out) throws Exception {
        BroadcastState<String, Long> horizon = ctx.getBroadcastState(HORIZON);
        Long known = horizon.get(HORIZON_KEY);
        if (known == null || lastEventTime > known) {
            horizon.put(HORIZON_KEY, lastEventTime);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        long at = timestamp + 1;
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE && beyondHorizon(ctx.getBroadcastState(HORIZON), at)) {
            return;
        }
        List<IN> due = new ArrayList<>();
        List<Long> dueKeys = new ArrayList<>();
        for (Map.Entry<Long, IN> e : pending.entries()) {
            if (timeOf(e.getValue()) < at) {
                due.add(e.getValue());
                dueKeys.add(e.getKey());
            }
        }
        for (Long key : dueKeys) {
            pending.remove(key);
        }
        due.sort(Comparator.comparingLong(this::timeOf));
        for (IN change : due) {
            apply(change);
        }
        if (close(ctx.getCurrentKey(), at, due, out)) {
            ctx.timerService().registerEventTimeTimer(at + Minutes.MINUTE - 1);
        }
        if (pending.isEmpty()) {
            sequence.clear();
        }
    }

    private static boolean beyondHorizon(ReadOnlyBroadcastState<String, Long> horizon, long at) throws Exception {
        Long last = horizon.get(HORIZON_KEY);
        // At the end of input with no event time known there is nothing to extend the gauges to.
        return last == null || at > Minutes.start(last) + Minutes.MINUTE;
    }
}
