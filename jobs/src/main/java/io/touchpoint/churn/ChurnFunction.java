package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import io.touchpoint.window.MinuteGaugeFunction;
import io.touchpoint.window.Minutes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Churn risk per customer (SPEC §4.6) in event time, by the rule of {@link ChurnTimeline}: inputs wait until the
 * watermark passes them and are applied in event-time order; the 90-day drop happens at its instant, before any later
 * input. An input that arrives after the watermark passed it (within the allowed lateness) re-evaluates the customer
 * from its time: the inputs since the last settled state are replayed with it, the level changes that no longer hold
 * are retracted and the new ones sent, so the {@code churn_risk} gauges are rewritten from that minute on.
 *
 * <p>Output: level changes and their retractions, for the gauges. Side output {@link #SIGNALS}: the changes to send
 * as {@code ChurnRiskSignal}s. Live, a change is sent when the watermark passes it, and a re-evaluation sends the
 * changes it finds that were not sent yet, then, if the level last sent is no longer the customer's level, a
 * corrective change from that level to the right one. Bounded ({@code holdSignals}), a change is sent once no
 * accepted input can revise it any more, so a bounded run sends the same signals however its input interleaves.
 *
 * <p>State per customer: the {@link ChurnState}, inputs waiting for the watermark, and while an input may still come
 * late for them (allowed lateness + 1 minute after their last input or drop) a {@link ChurnReplay}. All of it is
 * dropped after 90 days without events, with a last change to LOW for a customer still above it.
 */
public class ChurnFunction extends KeyedBroadcastProcessFunction<String, ChurnInput, Long, LevelChange> {

    public static final OutputTag<LevelChange> SIGNALS = new OutputTag<>("churn-risk-signals") {};

    private final ChurnPoints points;
    private final long allowedLateness;
    private final boolean holdSignals;
    private transient ChurnTimeline timeline;
    private transient ValueState<ChurnState> state;
    private transient ValueState<ChurnReplay> replay;
    private transient MapState<Long, List<ChurnInput>> waiting;

    /**
     * @param allowedLatenessMillis how late an input may arrive (inputs later than that are dead letters upstream)
     * @param holdSignals send each signal only once it is final (bounded runs)
     */
    public ChurnFunction(ChurnPoints points, long allowedLatenessMillis, boolean holdSignals) {
        this.points = points;
        this.allowedLateness = allowedLatenessMillis;
        this.holdSignals = holdSignals;
    }

    @Override
    public void open(OpenContext context) {
        timeline = new ChurnTimeline(points);
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("churn", TypeInformation.of(ChurnState.class)));
        replay = getRuntimeContext().getState(new ValueStateDescriptor<>("replay",
                TypeInformation.of(ChurnReplay.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(TypeInformation.of(ChurnInput.class))));
    }

    @Override
    public void processElement(ChurnInput input, ReadOnlyContext ctx, Collector<LevelChange> out) throws Exception {
        ChurnInput copy = new ChurnInput(input.signal, input.customerId, input.at, input.channel, input.touchpoint);
        copy.retracted = input.retracted;
        long watermark = ctx.timerService().currentWatermark();
        if (copy.retracted && copy.at > watermark) {
            // the input it takes back still waits: it leaves before anything saw it
            List<ChurnInput> atSameTime = waiting.get(copy.at);
            if (atSameTime != null && removeSame(atSameTime, copy)) {
                if (atSameTime.isEmpty()) {
                    waiting.remove(copy.at);
                } else {
                    waiting.put(copy.at, atSameTime);
                }
            }
            return;
        }
        if (copy.at > watermark) {
            List<ChurnInput> atSameTime = waiting.get(copy.at);
            if (atSameTime == null) {
                atSameTime = new ArrayList<>(1);
            }
            atSameTime.add(copy);
            waiting.put(copy.at, atSameTime);
            ctx.timerService().registerEventTimeTimer(copy.at);
            return;
        }
        reevaluate(copy, watermark, ctx, out);
    }

    /** The latest event time of the run (broadcast), which tells a drop inside the data from one after it. */
    @Override
    public void processBroadcastElement(Long lastEventTime, Context ctx, Collector<LevelChange> out) throws Exception {
        MinuteGaugeFunction.extendHorizon(ctx.getBroadcastState(MinuteGaugeFunction.HORIZON), lastEventTime);
    }

    /** Timers: inputs due, the 90-day drop, and the end of an input's lateness; each just brings the customer up to date. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LevelChange> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<ChurnInput> due = waiting.get(timestamp);
        if (due != null) {
            waiting.remove(timestamp);
            due.sort(ChurnTimeline.ORDER);
        } else {
            due = List.of();
        }
        long dataUntil = dataUntil(watermark, ctx);
        if (timestamp > dataUntil) {
            // at the end of a bounded run: an SLA passing or expiry after the data is not an event of the run (the
            // reply clocks send them as every timer fires at once; what lies inside the data they send in any order)
            due = List.of();
        }
        ChurnState s = current();
        long lastEvent = s.lastEvent;
        ChurnReplay r = replay.value();
        if (r == null && (!due.isEmpty() || ChurnTimeline.dropDue(s, timestamp))) {
            r = new ChurnReplay(s.copy(), settlePoint(watermark, timestamp));
        }
        List<LevelChange> changes = timeline.advance(ctx.getCurrentKey(), s, due, timestamp, dataUntil);
        if (r != null) {
            r.inputs.addAll(due);
        }
        for (LevelChange c : changes) {
            out.collect(c);
            if (!holdSignals) {
                ctx.output(SIGNALS, c);
            }
        }
        boolean dropped = lastEvent != 0 && !s.tracked();
        if (r != null && (!due.isEmpty() || dropped)) {
            ctx.timerService().registerEventTimeTimer(settleTimer(timestamp));
        }
        settle(r, settlePoint(watermark, timestamp), dataUntil, ctx);
        store(s, lastEvent, ctx);
    }

    /** A late input: the customer's recent inputs are replayed with it and the difference is sent. */
    private void reevaluate(ChurnInput late, long watermark, ReadOnlyContext ctx, Collector<LevelChange> out)
            throws Exception {
        ChurnState s = current();
        ChurnState before = s.copy();
        ChurnReplay r = replay.value();
        if (r == null) {
            // nothing happened to the customer since the last settled instant: the state holds for any later instant
            r = new ChurnReplay(s.copy(), settlePoint(watermark, watermark));
        }
        String customer = ctx.getCurrentKey();
        if (late.retracted && late.at <= r.since) {
            return; // settled: older than a retraction within the allowed lateness can be
        }
        if (late.at <= r.since) {
            // Earlier than an accepted input can be: there is nothing to replay it against, so it is applied now.
            List<LevelChange> changes = timeline.advance(customer, s, List.of(late), watermark, Long.MAX_VALUE);
            send(customer, changes, List.of(), before, s, late, ctx, out);
            replay.update(r);
            store(s, before.lastEvent, ctx);
            return;
        }
        List<ChurnInput> after = new ArrayList<>(r.inputs);
        if (late.retracted) {
            if (!removeSame(after, late)) {
                return;
            }
        } else {
            int i = 0;
            while (i < after.size() && ChurnTimeline.ORDER.compare(after.get(i), late) <= 0) {
                i++;
            }
            after.add(i, late);
        }
        List<LevelChange> sent = timeline.advance(customer, r.base.copy(), r.inputs, watermark, Long.MAX_VALUE);
        ChurnState rewritten = r.base.copy();
        List<LevelChange> changes = timeline.advance(customer, rewritten, after, watermark, Long.MAX_VALUE);
        r.inputs = after;
        send(customer, changes, sent, before, rewritten, after.isEmpty() ? late : after.get(after.size() - 1), ctx,
                out);
        ctx.timerService().registerEventTimeTimer(settleTimer(late.at));
        replay.update(r);
        store(rewritten, before.lastEvent, ctx);
    }

    private static boolean removeSame(List<ChurnInput> inputs, ChurnInput retraction) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).sameAs(retraction)) {
                inputs.remove(i);
                return true;
            }
        }
        return false;
    }

    /**
     * Sends what differs between the history already sent and the rewritten one. The gauges get the retraction of
     * every change from the first difference on and the new changes from there. The signals get the new changes not
     * sent before and then, if the level last sent is not the customer's level, a corrective change from it to the
     * right one, as of the customer's latest input.
     */
    private void send(String customer, List<LevelChange> changes, List<LevelChange> sent, ChurnState before,
            ChurnState rewritten, ChurnInput latest, ReadOnlyContext ctx, Collector<LevelChange> out) {
        int same = 0;
        while (same < sent.size() && same < changes.size()
                && sent.get(same).identity().equals(changes.get(same).identity())) {
            same++;
        }
        for (int i = same; i < sent.size(); i++) {
            out.collect(sent.get(i).retraction());
        }
        for (int i = same; i < changes.size(); i++) {
            out.collect(changes.get(i));
        }
        if (holdSignals) {
            return;
        }
        Set<String> known = new HashSet<>();
        sent.forEach(c -> known.add(c.identity()));
        ChurnState believed = rewritten.copy();
        believed.setLevel(before.level, before.levelChannel, before.levelTouchpoint);
        for (LevelChange c : changes) {
            if (!known.contains(c.identity())) {
                ctx.output(SIGNALS, c);
                believed.setLevel(c.level, c.channel, c.touchpoint);
            }
        }
        if (believed.level != rewritten.level) {
            boolean low = rewritten.level == RiskLevel.LOW;
            ctx.output(SIGNALS, timeline.change(customer, believed, rewritten.level, latest.at,
                    low ? latest.channel : rewritten.levelChannel, low ? latest.touchpoint : rewritten.levelTouchpoint));
        }
    }

    /**
     * Until when a drop is inside the data: always while the run goes on; at the end of a bounded run (every timer
     * fires at once) up to the end of the minute of its last event, so a customer's drop is reported exactly when
     * the gauges still cover its minute, however far the watermark got before the end.
     */
    private static long dataUntil(long watermark, ReadOnlyContext ctx) throws Exception {
        if (watermark != Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        Long last = MinuteGaugeFunction.lastEventTime(ctx.getBroadcastState(MinuteGaugeFunction.HORIZON));
        return last == null ? Long.MIN_VALUE : Minutes.start(last) + Minutes.MINUTE - 1;
    }

    private ChurnState current() throws Exception {
        ChurnState s = state.value();
        return s == null ? new ChurnState() : s;
    }

    /** Inputs up to this instant can no longer arrive (they would be too late); at a timer, no later one is applied yet. */
    private long settlePoint(long watermark, long timestamp) {
        long settled = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - allowedLateness - Minutes.MINUTE;
        return Math.min(settled, timestamp);
    }

    /** The timer after which an input or change at {@code at} is settled (one per minute and customer at most). */
    private long settleTimer(long at) {
        return Minutes.start(at) + allowedLateness + 2 * Minutes.MINUTE - 1;
    }

    /** Moves the inputs that can no longer be revised into the replay's base; sends their signals when held. */
    private void settle(ChurnReplay r, long upTo, long dataUntil, ReadOnlyContext ctx) throws Exception {
        if (r == null) {
            return;
        }
        if (upTo > r.since) {
            List<ChurnInput> settled = new ArrayList<>();
            List<ChurnInput> open = new ArrayList<>();
            for (ChurnInput i : r.inputs) {
                (i.at <= upTo ? settled : open).add(i);
            }
            List<LevelChange> changes = timeline.advance(ctx.getCurrentKey(), r.base, settled, upTo, dataUntil);
            if (holdSignals) {
                changes.forEach(c -> ctx.output(SIGNALS, c));
            }
            r.since = upTo;
            r.inputs = open;
        }
        boolean quiet = r.inputs.isEmpty() && !ChurnTimeline.dropDue(r.base, ctx.timerService().currentWatermark());
        if (quiet) {
            replay.clear();
        } else {
            replay.update(r);
        }
    }

    /** Keeps the state (or drops it when nothing is tracked) and moves the 90-day timer with the last event. */
    private void store(ChurnState s, long previousLastEvent, ReadOnlyContext ctx) throws Exception {
        if (s.lastEvent != previousLastEvent && previousLastEvent != 0) {
            ctx.timerService().deleteEventTimeTimer(previousLastEvent + ChurnTimeline.RETENTION_MILLIS);
        }
        if (s.tracked()) {
            if (s.lastEvent != previousLastEvent) {
                ctx.timerService().registerEventTimeTimer(s.lastEvent + ChurnTimeline.RETENTION_MILLIS);
            }
            state.update(s);
        } else if (replay.value() == null) {
            state.clear();
        } else {
            state.update(s);
        }
    }
}
