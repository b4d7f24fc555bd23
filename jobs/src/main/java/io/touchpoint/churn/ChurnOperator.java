package io.touchpoint.churn;

import io.touchpoint.avro.RiskLevel;
import io.touchpoint.window.MinuteGaugeFunction;
import io.touchpoint.window.Minutes;
import io.touchpoint.window.WakeUps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 *
 * <p>Instants: a customer is brought up to date at each instant at which an input waits, at the end of an input's
 * lateness (its replay settles what can no longer be revised) and at its 90-day drop, in time order, as Flink would
 * fire a timer at each. The instants are not kept in Flink's timer service but derived from the state (the waiting
 * inputs' times, {@link ChurnReplay#settles}, the last event), and the operator keeps {@link WakeUps} entries that
 * tell it which customers to look at when a watermark passes: one per waiting instant and settling, and one per
 * tracked customer for the drop, moved on lazily when it comes due before the drop (every input moves the drop, and
 * moving a Flink timer was a delete and an insert in a heap with one timer per customer of the last 90 days). When a
 * watermark reaches a customer, everything of it up to the watermark is done at once, instants added meanwhile
 * included. The entries are not checkpointed: on restore they are derived again from every customer's state.
 */
public class ChurnOperator extends AbstractStreamOperator<LevelChange>
        implements TwoInputStreamOperator<ChurnInput, Long, LevelChange> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<LevelChange> SIGNALS = new OutputTag<>("churn-risk-signals") {};

    private final ChurnPoints points;
    private final long allowedLateness;
    private final boolean holdSignals;
    private transient ChurnTimeline timeline;
    private transient ValueState<ChurnState> state;
    private transient ValueState<ChurnReplay> replay;
    private transient MapState<Long, List<ChurnInput>> waiting;
    /**
     * The instants of {@link #waiting} (ascending) of each customer with inputs waiting: derived from it, kept beside
     * it and rebuilt on restore, so that finding a customer's next instant lists no map (on RocksDB an iterator and a
     * seek at every visit). Only customers with inputs ahead of the watermark are in it.
     */
    private transient Map<String, long[]> waitingAt;
    private transient BroadcastState<String, Long> horizon;
    /** Instants of waiting inputs and of settling (the replay's {@link ChurnReplay#settles}). */
    private transient WakeUps<String> due;
    /** One entry per tracked customer, at or before its 90-day drop; moved on lazily when it comes due. */
    private transient WakeUps<String> drops;
    private transient long watermark;
    /** The replay window and state of the customer being brought up to date, as last read or stored (or null). */
    private transient ChurnReplay visitReplay;
    private transient ChurnState visitState;
    /** The timestamp of what is emitted: the input's, or the instant being brought up to date. */
    private transient StreamRecord<LevelChange> emitted;

    /**
     * @param allowedLatenessMillis how late an input may arrive (inputs later than that are dead letters upstream)
     * @param holdSignals send each signal only once it is final (bounded runs)
     */
    public ChurnOperator(ChurnPoints points, long allowedLatenessMillis, boolean holdSignals) {
        this.points = points;
        this.allowedLateness = allowedLatenessMillis;
        this.holdSignals = holdSignals;
    }

    @Override
    public void open() throws Exception {
        super.open();
        timeline = new ChurnTimeline(points);
        ValueStateDescriptor<ChurnState> stateDescriptor =
                new ValueStateDescriptor<>("churn", TypeInformation.of(ChurnState.class));
        ValueStateDescriptor<ChurnReplay> replayDescriptor =
                new ValueStateDescriptor<>("replay", TypeInformation.of(ChurnReplay.class));
        MapStateDescriptor<Long, List<ChurnInput>> waitingDescriptor = new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(TypeInformation.of(ChurnInput.class)));
        state = getRuntimeContext().getState(stateDescriptor);
        replay = getRuntimeContext().getState(replayDescriptor);
        waiting = getRuntimeContext().getMapState(waitingDescriptor);
        horizon = getOperatorStateBackend().getBroadcastState(MinuteGaugeFunction.HORIZON);
        due = new WakeUps<>();
        drops = new WakeUps<>();
        waitingAt = new HashMap<>();
        watermark = Long.MIN_VALUE;
        emitted = new StreamRecord<>(null);
        // restored state: the wake-ups again (they are not checkpointed)
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, stateDescriptor,
                (customer, s) -> {
                    ChurnState c = s.value();
                    if (c != null && c.tracked()) {
                        drops.add(c.lastEvent + ChurnTimeline.RETENTION_MILLIS, customer);
                    }
                });
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, waitingDescriptor,
                (customer, w) -> {
                    for (Long at : w.keys()) {
                        due.add(at, customer);
                        addWaiting(customer, at);
                    }
                });
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, replayDescriptor,
                (customer, r) -> {
                    ChurnReplay kept = r.value();
                    if (kept == null) {
                        return;
                    }
                    if (kept.settles == null) {
                        // kept by a version with Flink timers: settle at the end of each input's lateness
                        kept.inputs.forEach(i -> kept.settleAt(settleInstant(i.at)));
                        r.update(kept);
                    }
                    for (long at : kept.settles) {
                        due.add(at, customer);
                    }
                });
    }

    @Override
    public void processElement1(StreamRecord<ChurnInput> record) throws Exception {
        ChurnInput input = record.getValue();
        stampLike(record);
        ChurnInput copy = new ChurnInput(input.signal, input.customerId, input.at, input.channel, input.touchpoint);
        copy.retracted = input.retracted;
        if (copy.retracted && copy.at > watermark) {
            // the input it takes back still waits: it leaves before anything saw it
            List<ChurnInput> atSameTime = waitsAt(customer(), copy.at) ? waiting.get(copy.at) : null;
            if (atSameTime != null && removeSame(atSameTime, copy)) {
                if (atSameTime.isEmpty()) {
                    waiting.remove(copy.at);
                    removeWaiting(customer(), copy.at);
                } else {
                    waiting.put(copy.at, atSameTime);
                }
            }
            return;
        }
        if (copy.at > watermark) {
            List<ChurnInput> atSameTime = waitsAt(customer(), copy.at) ? waiting.get(copy.at) : null;
            if (atSameTime == null) {
                atSameTime = new ArrayList<>(1);
                addWaiting(customer(), copy.at);
            }
            atSameTime.add(copy);
            waiting.put(copy.at, atSameTime);
            due.add(copy.at, customer());
            return;
        }
        reevaluate(copy);
    }

    /** The latest event time of the run (broadcast), which tells a drop inside the data from one after it. */
    @Override
    public void processElement2(StreamRecord<Long> lastEventTime) throws Exception {
        MinuteGaugeFunction.extendHorizon(horizon, lastEventTime.getValue());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        drops.advance(watermark, this::dropComesDue);
        due.advance(watermark, (at, customer) -> bringUpToDate(customer));
        super.processWatermark(mark);
    }

    /** A drop entry came due: the customer is brought up to date, and the entry moves on if it is still tracked. */
    private void dropComesDue(long at, String customer) throws Exception {
        bringUpToDate(customer);
        ChurnState s = visitState;
        if (s != null && s.tracked()) {
            drops.add(s.lastEvent + ChurnTimeline.RETENTION_MILLIS, customer);
        }
    }

    /**
     * Does, in time order, everything of the customer's that the watermark reached: each instant at which an input
     * waits, the customer is settled or dropped is taken as Flink would fire a timer there ({@link #at}), instants
     * added meanwhile included. A customer brought up to date once per watermark has nothing left at its other
     * entries, which are skipped.
     */
    private void bringUpToDate(String customer) throws Exception {
        setCurrentKey(customer);
        visitReplay = replay.value();
        visitState = state.value();
        long next = earliest(visitReplay, visitState);
        while (next != Long.MAX_VALUE && next <= watermark) {
            next = at(next);
        }
    }

    /** The customer's earliest instant: a waiting input, a settling, the drop; {@link Long#MAX_VALUE} if none. */
    private long nextInstant() throws Exception {
        return earliest(replay.value(), state.value());
    }

    /** {@link #nextInstant} given the replay window and the state the customer keeps (either may be null). */
    private long earliest(ChurnReplay r, ChurnState s) throws Exception {
        long[] waits = waitingAt.get(customer());
        long next = waits == null ? Long.MAX_VALUE : waits[0];
        if (r != null && r.settles != null && r.settles.length > 0) {
            next = Math.min(next, r.settles[0]);
        }
        if (s != null && s.tracked()) {
            next = Math.min(next, s.lastEvent + ChurnTimeline.RETENTION_MILLIS);
        }
        return next;
    }

    /**
     * At an instant of the customer (inputs due, the 90-day drop, the end of an input's lateness): brings it there,
     * starting from the replay window and state of the visit ({@link #visitReplay}, {@link #visitState}: what the
     * customer's states hold, read once per visit, as each state backend access costs a lookup and on RocksDB a
     * deserialization) and leaving there what it stored. Returns the customer's next instant.
     */
    private long at(long timestamp) throws Exception {
        emitted.setTimestamp(timestamp);
        String customer = customer();
        List<ChurnInput> due = waitsAt(customer, timestamp) ? waiting.get(timestamp) : null;
        if (due != null) {
            waiting.remove(timestamp);
            removeWaiting(customer, timestamp);
            due.sort(ChurnTimeline.ORDER);
        } else {
            due = List.of();
        }
        long dataUntil = dataUntil(watermark);
        if (timestamp > dataUntil) {
            // at the end of a bounded run: an SLA passing or expiry after the data is not an event of the run (the
            // reply clocks send them as every timer fires at once; what lies inside the data they send in any order)
            due = List.of();
        }
        ChurnState s = visitState == null ? new ChurnState() : visitState;
        long lastEvent = s.lastEvent;
        ChurnReplay r = visitReplay;
        if (r != null) {
            r.settled(timestamp);
        }
        if (r == null && (!due.isEmpty() || ChurnTimeline.dropDue(s, timestamp))) {
            r = new ChurnReplay(s.copy(), settlePoint(watermark, timestamp));
        }
        List<LevelChange> changes = timeline.advance(customer, s, due, timestamp, dataUntil);
        if (r != null) {
            r.inputs.addAll(due);
        }
        for (LevelChange c : changes) {
            output.collect(emitted.replace(c));
            if (!holdSignals) {
                output.collect(SIGNALS, emitted.replace(c));
            }
        }
        boolean dropped = lastEvent != 0 && !s.tracked();
        if (r != null && (!due.isEmpty() || dropped)) {
            settleAt(r, settleInstant(timestamp));
        }
        ChurnReplay kept = settle(r, settlePoint(watermark, timestamp), dataUntil);
        visitReplay = kept;
        visitState = store(s, lastEvent, kept != null);
        return earliest(kept, s);
    }

    /** A late input: the customer's recent inputs are replayed with it and the difference is sent. */
    private void reevaluate(ChurnInput late) throws Exception {
        ChurnState s = current();
        ChurnState before = s.copy();
        ChurnReplay r = replay.value();
        if (r == null) {
            // nothing happened to the customer since the last settled instant: the state holds for any later instant
            r = new ChurnReplay(s.copy(), settlePoint(watermark, watermark));
        }
        String customer = customer();
        if (late.retracted && late.at <= r.since) {
            return; // settled: older than a retraction within the allowed lateness can be
        }
        if (late.at <= r.since) {
            // Earlier than an accepted input can be: there is nothing to replay it against, so it is applied now.
            List<LevelChange> changes = timeline.advance(customer, s, List.of(late), watermark, Long.MAX_VALUE);
            send(customer, changes, List.of(), before, s, late);
            replay.update(r);
            store(s, before.lastEvent, true);
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
        send(customer, changes, sent, before, rewritten, after.isEmpty() ? late : after.get(after.size() - 1));
        settleAt(r, settleInstant(late.at));
        replay.update(r);
        store(rewritten, before.lastEvent, true);
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
            ChurnState rewritten, ChurnInput latest) {
        int same = 0;
        while (same < sent.size() && same < changes.size()
                && sent.get(same).identity().equals(changes.get(same).identity())) {
            same++;
        }
        for (int i = same; i < sent.size(); i++) {
            output.collect(emitted.replace(sent.get(i).retraction()));
        }
        for (int i = same; i < changes.size(); i++) {
            output.collect(emitted.replace(changes.get(i)));
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
                output.collect(SIGNALS, emitted.replace(c));
                believed.setLevel(c.level, c.channel, c.touchpoint);
            }
        }
        if (believed.level != rewritten.level) {
            boolean low = rewritten.level == RiskLevel.LOW;
            LevelChange correction = timeline.change(customer, believed, rewritten.level, latest.at,
                    low ? latest.channel : rewritten.levelChannel, low ? latest.touchpoint : rewritten.levelTouchpoint);
            output.collect(SIGNALS, emitted.replace(correction));
        }
    }

    /**
     * Until when a drop is inside the data: always while the run goes on; at the end of a bounded run (every instant
     * comes due at once) up to the end of the minute of its last event, so a customer's drop is reported exactly when
     * the gauges still cover its minute, however far the watermark got before the end.
     */
    private long dataUntil(long watermark) throws Exception {
        if (watermark != Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        Long last = MinuteGaugeFunction.lastEventTime(horizon);
        return last == null ? Long.MIN_VALUE : Minutes.start(last) + Minutes.MINUTE - 1;
    }

    private ChurnState current() throws Exception {
        ChurnState s = state.value();
        return s == null ? new ChurnState() : s;
    }

    /** Inputs up to this instant can no longer arrive (being too late); at an instant, no later one is applied. */
    private long settlePoint(long watermark, long timestamp) {
        long settled = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - allowedLateness - Minutes.MINUTE;
        return Math.min(settled, timestamp);
    }

    /** The instant after which an input or change at {@code at} is settled (one per minute and customer at most). */
    private long settleInstant(long at) {
        return Minutes.start(at) + allowedLateness + 2 * Minutes.MINUTE - 1;
    }

    /**
     * Moves the inputs that can no longer be revised into the replay's base; sends their signals when held. Returns
     * the replay window kept, or null when there is none (any more).
     */
    private ChurnReplay settle(ChurnReplay r, long upTo, long dataUntil) throws Exception {
        if (r == null) {
            return null;
        }
        if (upTo > r.since) {
            List<ChurnInput> settled = new ArrayList<>();
            List<ChurnInput> open = new ArrayList<>();
            for (ChurnInput i : r.inputs) {
                (i.at <= upTo ? settled : open).add(i);
            }
            List<LevelChange> changes = timeline.advance(customer(), r.base, settled, upTo, dataUntil);
            if (holdSignals) {
                changes.forEach(c -> output.collect(SIGNALS, emitted.replace(c)));
            }
            r.since = upTo;
            r.inputs = open;
        }
        boolean quiet = r.inputs.isEmpty() && !ChurnTimeline.dropDue(r.base, watermark);
        if (quiet) {
            replay.clear();
            return null;
        }
        replay.update(r);
        return r;
    }

    /**
     * Keeps the state (or drops it when nothing is tracked). The 90-day drop is derived from the last event; a drop
     * entry is added when the customer becomes tracked or its last event moves back (a retracted input), and an
     * entry that comes due before the drop moves on to it.
     */
    private ChurnState store(ChurnState s, long previousLastEvent, boolean replayKept) throws Exception {
        // replayKept: whether the customer still keeps a replay window, which needs its state even when untracked
        if (s.tracked() && (previousLastEvent == 0 || s.lastEvent < previousLastEvent)) {
            drops.add(s.lastEvent + ChurnTimeline.RETENTION_MILLIS, customer());
        }
        if (!s.tracked() && !replayKept) {
            state.clear();
            return null;
        }
        state.update(s);
        return s;
    }

    /** Registers the instant at which the replay settles what may no longer be revised. */
    private void settleAt(ChurnReplay r, long at) {
        if (r.settleAt(at)) {
            due.add(at, customer());
        }
    }

    private String customer() {
        return (String) getCurrentKey();
    }

    private void addWaiting(String customer, long at) {
        long[] known = waitingAt.get(customer);
        waitingAt.put(customer, known == null ? new long[] {at} : ChurnReplay.inserted(known, at));
    }

    private void removeWaiting(String customer, long at) {
        long[] known = waitingAt.get(customer);
        int i = known == null ? -1 : Arrays.binarySearch(known, at);
        if (i < 0) {
            return;
        }
        if (known.length == 1) {
            waitingAt.remove(customer);
            return;
        }
        long[] shrunk = new long[known.length - 1];
        System.arraycopy(known, 0, shrunk, 0, i);
        System.arraycopy(known, i + 1, shrunk, i, shrunk.length - i);
        waitingAt.put(customer, shrunk);
    }

    private boolean waitsAt(String customer, long at) {
        long[] known = waitingAt.get(customer);
        return known != null && Arrays.binarySearch(known, at) >= 0;
    }

    /** Outputs of an input carry its timestamp, as Flink's collector of a process function does. */
    private void stampLike(StreamRecord<?> record) {
        if (record.hasTimestamp()) {
            emitted.setTimestamp(record.getTimestamp());
        } else {
            emitted.eraseTimestamp();
        }
    }

    /** The customers with an instant still to come (for tests): what Flink's timer service would hold, per key. */
    int pendingCustomers() throws Exception {
        int pending = 0;
        Object key = getCurrentKey();
        java.util.Set<String> customers = new java.util.HashSet<>(due.keys());
        customers.addAll(drops.keys());
        for (String customer : customers) {
            setCurrentKey(customer);
            if (nextInstant() != Long.MAX_VALUE) {
                pending++;
            }
        }
        if (key != null) {
            setCurrentKey(key);
        }
        return pending;
    }
}
