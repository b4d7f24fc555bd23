package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Churn risk per customer (SPEC §4.6), in event time: inputs wait until the watermark reaches them and are applied
 * in time order, so a level change happens at the right event. The level is evaluated whenever a signal adds points
 * (or takes them away): decay lowers the score between signals, and the customer's next signal finds the lower
 * level — a change always has an event that caused it, as {@code occurred_at} says. (Evaluating on decay alone, or
 * at events worth no points, would make a customer whose one NPS 0-3 answer is worth exactly 40 points drop back to
 * LOW a moment after reaching MEDIUM.) Each change
 * is emitted with the reasons still worth a point, strongest first.
 *
 * <p>State per customer: the score's signals (pruned as they decay), level and attribution, the openings of the
 * last 7 days, inputs waiting for the watermark. All of it is dropped after 90 days without events; a customer
 * still above LOW then gets a last change to LOW (their score has long decayed), so the gauges stay right.
 */
public class ChurnFunction extends KeyedProcessFunction<String, ChurnInput, LevelChange> {

    static final long REPEAT_WINDOW_MILLIS = Duration.ofDays(7).toMillis();
    static final long RETENTION_MILLIS = Duration.ofDays(90).toMillis();
    /** The third conversation opened within 7 days is the first to count (SPEC §4.6). */
    static final int REPEAT_FROM = 3;

    private final ChurnPoints points;
    private transient ValueState<ChurnState> state;
    private transient MapState<Long, List<ChurnInput>> waiting;

    public ChurnFunction(ChurnPoints points) {
        this.points = points;
    }

    @Override
    public void open(OpenContext context) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("churn", TypeInformation.of(ChurnState.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(TypeInformation.of(ChurnInput.class))));
    }

    @Override
    public void processElement(ChurnInput input, Context ctx, Collector<LevelChange> out) throws Exception {
        ChurnInput copy = new ChurnInput(input.signal, input.customerId, input.at, input.channel, input.touchpoint);
        if (copy.at <= ctx.timerService().currentWatermark()) {
            apply(List.of(copy), ctx, out);
            return;
        }
        List<ChurnInput> atSameTime = waiting.get(copy.at);
        if (atSameTime == null) {
            atSameTime = new ArrayList<>(1);
        }
        atSameTime.add(copy);
        waiting.put(copy.at, atSameTime);
        ctx.timerService().registerEventTimeTimer(copy.at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LevelChange> out) throws Exception {
        List<ChurnInput> due = waiting.get(timestamp);
        if (due != null) {
            waiting.remove(timestamp);
            apply(due, ctx, out);
            return;
        }
        ChurnState s = state.value();
        if (s != null && timestamp >= s.lastEvent + RETENTION_MILLIS && waiting.isEmpty()) {
            // At the end of a bounded run every retention timer fires; that moment lies after the data: no change.
            boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
            if (s.level != RiskLevel.LOW && !endOfInput) {
                out.collect(change(ctx.getCurrentKey(), s, RiskLevel.LOW, timestamp, s.levelChannel, s.levelTouchpoint));
            }
            state.clear();
        }
    }

    private void apply(List<ChurnInput> inputs, Context ctx, Collector<LevelChange> out) throws Exception {
        ChurnState s = state.value();
        if (s == null) {
            s = new ChurnState();
        }
        // Same-instant inputs from different streams arrive in any order: apply them in a fixed one.
        List<ChurnInput> ordered = new ArrayList<>(inputs);
        ordered.sort(Comparator.comparing((ChurnInput i) -> i.signal == null ? "" : i.signal.name())
                .thenComparing(i -> i.channel));
        for (ChurnInput input : ordered) {
            ChurnPoints.Signal signal = input.signal;
            if (input.isOpening()) {
                s.openings.removeIf(t -> t <= input.at - REPEAT_WINDOW_MILLIS);
                s.openings.add(input.at);
                if (s.openings.size() < REPEAT_FROM) {
                    s.lastEvent = Math.max(s.lastEvent, input.at);
                    continue;
                }
                signal = ChurnPoints.Signal.REPEAT_CONTACT;
            }
            s.score.add(signal.label(), points.of(signal), input.at);
            s.lastEvent = Math.max(s.lastEvent, input.at);
            evaluate(ctx.getCurrentKey(), s, input, out);
        }
        long at = ordered.get(ordered.size() - 1).at;
        s.score.prune(at, points.halfLifeMillis());
        ctx.timerService().registerEventTimeTimer(s.lastEvent + RETENTION_MILLIS);
        state.update(s);
    }

    private void evaluate(String customer, ChurnState s, ChurnInput input, Collector<LevelChange> out) {
        RiskLevel level = s.score.level(input.at, points.halfLifeMillis());
        if (level != s.level) {
            out.collect(change(customer, s, level, input.at, input.channel, input.touchpoint));
        }
    }

    private LevelChange change(String customer, ChurnState s, RiskLevel level, long at, String channel, String touchpoint) {
        LevelChange c = new LevelChange();
        c.customerId = customer;
        c.at = at;
        c.score = s.score.score(at, points.halfLifeMillis());
        c.level = level;
        c.previousLevel = s.level;
        c.channel = channel;
        c.touchpoint = touchpoint;
        c.previousChannel = s.level == RiskLevel.LOW ? null : s.levelChannel;
        List<ChurnScore.Reason> reasons = s.score.reasons(at, points.halfLifeMillis());
        c.reasonSignals = new String[reasons.size()];
        c.reasonPoints = new double[reasons.size()];
        c.reasonTimes = new long[reasons.size()];
        for (int i = 0; i < reasons.size(); i++) {
            c.reasonSignals[i] = reasons.get(i).signal();
            c.reasonPoints[i] = reasons.get(i).points();
            c.reasonTimes[i] = reasons.get(i).at();
        }
        s.level = level;
        s.levelChannel = channel;
        s.levelTouchpoint = touchpoint;
        return c;
    }
}
