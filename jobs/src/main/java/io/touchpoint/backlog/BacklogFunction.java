package io.touchpoint.backlog;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.Minutes;
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
 * {@code backlog} (SPEC §4.4): per channel, at every minute boundary t, the clocks running at t, the oldest wait,
 * the clocks already past their SLA, and the cycles abandoned or expired during the minute before t. Written every
 * minute while a clock runs or the minute had a change, plus one all-zero point when the channel empties.
 *
 * <p>Changes are held until the watermark passes their minute and then applied in event-time order, so the gauge
 * at t reflects exactly the events before t (an event at exactly t belongs to the next minute). A change that
 * arrives after its minute was written updates the running clocks but does not rewrite gauges already written.
 *
 * <p>Live mode: the watermark follows the wall clock when input goes quiet, so while clocks run the gauge keeps
 * being written and {@code oldest_wait_s} keeps growing. Bounded mode: the second input carries the last event
 * time of the run, and no gauge is written after that minute.
 *
 * <p>State per channel: the running clocks (removed when they stop), the changes waiting for their minute
 * (removed when applied) and whether the last point had clocks running.
 */
public class BacklogFunction extends KeyedBroadcastProcessFunction<String, ClockChange, Long, MetricPoint> {

    public static final MapStateDescriptor<String, Long> HORIZON =
            new MapStateDescriptor<>("event-time-horizon", Types.STRING, Types.LONG);
    private static final String HORIZON_KEY = "max";

    private transient MapState<String, ClockChange> running;
    private transient MapState<Long, ClockChange> pending;
    private transient ValueState<Long> sequence;
    private transient ValueState<Boolean> wasRunning;

    @Override
    public void open(OpenContext context) {
        TypeInformation<ClockChange> change = TypeInformation.of(ClockChange.class);
        running = getRuntimeContext().getMapState(new MapStateDescriptor<>("running", Types.STRING, change));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, change));
        sequence = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence", Types.LONG));
        wasRunning = getRuntimeContext().getState(new ValueStateDescriptor<>("was-running", Types.BOOLEAN));
    }

    @Override
    public void processElement(ClockChange input, ReadOnlyContext ctx, Collector<MetricPoint> out) throws Exception {
        ClockChange change = input.copy();
        long end = Minutes.start(change.at) + Minutes.MINUTE;
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
        List<ClockChange> due = new ArrayList<>();
        List<Long> dueKeys = new ArrayList<>();
        for (Map.Entry<Long, ClockChange> e : pending.entries()) {
            if (e.getValue().at < at) {
                due.add(e.getValue());
                dueKeys.add(e.getKey());
            }
        }
        for (Long key : dueKeys) {
            pending.remove(key);
        }
        due.sort(Comparator.comparingLong(c -> c.at));
        long abandoned = 0;
        long expired = 0;
        for (ClockChange change : due) {
            apply(change);
            if (change.kind == ClockChange.Kind.ABANDONED) {
                abandoned++;
            } else if (change.kind == ClockChange.Kind.EXPIRED) {
                expired++;
            }
        }
        BacklogGauge gauge = new BacklogGauge();
        for (ClockChange clock : running.values()) {
            gauge.running(clock.at, clock.slaDeadline, at);
        }
        boolean before = Boolean.TRUE.equals(wasRunning.value());
        if (gauge.awaiting() > 0 || !due.isEmpty() || before) {
            out.collect(MetricPoint.builder("backlog", at)
                    .tag("channel", ctx.getCurrentKey())
                    .count("awaiting_first_reply", gauge.awaiting())
                    .value("oldest_wait_s", gauge.oldestWaitSeconds(at))
                    .count("over_sla", gauge.overSla())
                    .count("abandoned", abandoned)
                    .count("expired", expired)
                    .build());
        }
        if (gauge.awaiting() > 0) {
            wasRunning.update(true);
            ctx.timerService().registerEventTimeTimer(at + Minutes.MINUTE - 1);
        } else {
            wasRunning.clear();
        }
        if (pending.isEmpty()) {
            sequence.clear();
        }
    }

    private void apply(ClockChange change) throws Exception {
        if (change.kind == ClockChange.Kind.STARTED) {
            running.put(change.conversationId, change);
        } else {
            running.remove(change.conversationId);
        }
    }

    /** In a bounded run, gauges stop at the boundary that closes the minute of the last event. */
    private static boolean beyondHorizon(ReadOnlyBroadcastState<String, Long> horizon, long at) throws Exception {
        Long last = horizon.get(HORIZON_KEY);
        return last != null && last != Long.MIN_VALUE && at > Minutes.start(last) + Minutes.MINUTE;
    }
}
