package io.touchpoint.window;

import io.touchpoint.influx.MetricPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A gauge written at minute boundaries (backlog, churn levels): changes are held until the watermark passes their
 * minute and then applied in event-time order, so the value at boundary t reflects exactly the changes before t
 * (one at exactly t belongs to the next minute). While the gauge is active it is written at every boundary.
 *
 * <p>A change that arrives after its minute was closed: with an allowed lateness and an {@link #undo}, the changes
 * applied since that minute are undone, the late one joins its minute, and every boundary from there up to the
 * watermark is closed again, so the points are rewritten with their timestamps (InfluxDB overwrites them); live, a
 * boundary written before is written again even if it would now be left out, so no wrong point stays. Without, the change
 * updates the state without rewriting points. A retraction ({@link #isRetraction}) cancels its change in the same
 * way.
 *
 * <p>Live mode: the watermark follows the wall clock when input is quiet, so an active gauge keeps being written,
 * each boundary at once and again for every late change that reaches it. Bounded mode: the broadcast input carries
 * the last event time of the run, and nothing is written past the boundary that closes that minute (the gauges end at
 * the last event-time minute, not at the end of time); with an allowed lateness each boundary's points are held until
 * they are final — the watermark one allowed lateness (in whole minutes) past the boundary, or the end of input — and
 * written once. A rewrite replaces the held points, so a boundary that a late change leaves inactive is not written
 * at all, and the points are those of the time-sorted events, never a zero point that only some orders produce.
 *
 * <p>State per key: the changes waiting for their minute (removed when applied), a sequence for their keys, and
 * whatever the subclass keeps; with an allowed lateness also the changes applied at each boundary and, live, the
 * boundaries written or, bounded, the points held per boundary, all for the boundaries a late change can still reach
 * (dropped, the held points written, as the watermark passes them by the allowed lateness). A bounded gauge holding
 * points has a timer at the moment they become final.
 */
public abstract class MinuteGaugeFunction<IN> extends KeyedBroadcastProcessFunction<String, IN, Long, MetricPoint> {

    public static final MapStateDescriptor<String, Long> HORIZON =
            new MapStateDescriptor<>("event-time-horizon", Types.STRING, Types.LONG);
    private static final String HORIZON_KEY = "max";
    /** Beyond this many minutes between the oldest boundary kept and the last final one, the kept ones are listed. */
    private static final long SCAN_MINUTES = 180;

    private final Class<IN> type;
    private final long allowedLateness;
    /** Bounded with an allowed lateness: points are held until final; how long after its boundary, whole minutes. */
    private final long hold;
    private transient MapState<Long, IN> pending;
    private transient ValueState<Long> sequence;
    private transient MapState<Long, List<IN>> applied;
    private transient MapState<Long, Boolean> written;
    private transient MapState<Long, List<MetricPoint>> held;
    /** At or before every boundary in {@link #applied} and {@link #written}, null when both are empty. */
    private transient ValueState<Long> appliedFrom;
    /** At or before every boundary in {@link #held}, null when it is empty. */
    private transient ValueState<Long> heldFrom;

    /** A gauge that does not rewrite points for late changes. */
    protected MinuteGaugeFunction(Class<IN> type) {
        this(type, 0);
    }

    /** A gauge that rewrites its points from the minute of a change up to {@code allowedLatenessMillis} late. */
    protected MinuteGaugeFunction(Class<IN> type, long allowedLatenessMillis) {
        this(type, allowedLatenessMillis, false);
    }

    /**
     * @param finalOnly write each boundary once, when no allowed late change can reach it any more (the allowed
     *     lateness after it, rounded up to whole minutes), instead of at once and again for each late change; for a
     *     bounded run, where a boundary a late change leaves inactive would otherwise keep a point of zeros
     */
    protected MinuteGaugeFunction(Class<IN> type, long allowedLatenessMillis, boolean finalOnly) {
        this.type = type;
        this.allowedLateness = allowedLatenessMillis;
        this.hold = finalOnly ? (allowedLatenessMillis + Minutes.MINUTE - 1) / Minutes.MINUTE * Minutes.MINUTE : 0;
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

    /**
     * As {@link #close(String, long, List, Collector)}; {@code writtenBefore} says that a point was written at this
     * boundary before (when it is closed again for a late change): it must then be written again, even with zeros.
     */
    protected boolean close(String key, long at, List<IN> due, boolean writtenBefore, Collector<MetricPoint> out)
            throws Exception {
        return close(key, at, due, out);
    }

    /**
     * Whether the change takes back an equal change ({@link Object#equals}) of the same instant, which a late event
     * revised: the two cancel out in their minute, whether the original is still waiting or was applied already
     * (then the minute is rewritten as for any late change).
     */
    protected boolean isRetraction(IN change) {
        return false;
    }

    /** Takes back {@link #apply}; needed by gauges with an allowed lateness. */
    protected void undo(IN change) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take back a change");
    }

    @Override
    public void open(OpenContext context) throws Exception {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                TypeInformation.of(type)));
        sequence = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence", Types.LONG));
        if (allowedLateness > 0) {
            applied = getRuntimeContext().getMapState(new MapStateDescriptor<>("applied", Types.LONG,
                    Types.LIST(TypeInformation.of(type))));
            appliedFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("applied-from", Types.LONG));
            if (hold > 0) {
                held = getRuntimeContext().getMapState(new MapStateDescriptor<>("held", Types.LONG,
                        Types.LIST(TypeInformation.of(MetricPoint.class))));
                heldFrom = getRuntimeContext().getState(new ValueStateDescriptor<>("held-from", Types.LONG));
            } else {
                written = getRuntimeContext().getMapState(new MapStateDescriptor<>("written", Types.LONG,
                        Types.BOOLEAN));
            }
        }
    }

    @Override
    public void processElement(IN input, ReadOnlyContext ctx, Collector<MetricPoint> out) throws Exception {
        IN change = copy(input);
        long end = Minutes.start(timeOf(change)) + Minutes.MINUTE;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && end - 1 <= watermark) {
            if (allowedLateness > 0 && end - 1 + allowedLateness > watermark) {
                rewrite(ctx.getCurrentKey(), change, end, watermark, ctx.timerService(), out);
            } else {
                apply(change);
            }
            return;
        }
        long seq = sequence.value() == null ? 0 : sequence.value();
        pending.put(seq, change);
        sequence.update(seq + 1);
        ctx.timerService().registerEventTimeTimer(end - 1);
    }

    @Override
    public void processBroadcastElement(Long lastEventTime, Context ctx, Collector<MetricPoint> out) throws Exception {
        extendHorizon(ctx.getBroadcastState(HORIZON), lastEventTime);
    }

    /** Keeps the latest event time of the run announced on the broadcast input. */
    public static void extendHorizon(BroadcastState<String, Long> horizon, long lastEventTime) throws Exception {
        Long known = horizon.get(HORIZON_KEY);
        if (known == null || lastEventTime > known) {
            horizon.put(HORIZON_KEY, lastEventTime);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        long at = timestamp + 1;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MAX_VALUE || !beyondHorizon(ctx.getBroadcastState(HORIZON), at)) {
            closeBoundary(ctx.getCurrentKey(), at, ctx.timerService(), out);
        }
        if (hold > 0) {
            release(watermark, out);
        }
    }

    /** Applies the changes of the minute before {@code at} and closes the boundary. */
    private void closeBoundary(String gauge, long at, TimerService timers, Collector<MetricPoint> out)
            throws Exception {
        List<IN> due = new ArrayList<>();
        List<Long> dueKeys = new ArrayList<>();
        // the sequence is there exactly while changes are pending, and whether one stays is known from the scan: the
        // map is listed only when it holds something, and not asked again (each is an iterator on RocksDB)
        boolean anyPending = sequence.value() != null;
        boolean later = false;
        if (anyPending) {
            for (Map.Entry<Long, IN> e : pending.entries()) {
                if (timeOf(e.getValue()) < at) {
                    due.add(e.getValue());
                    dueKeys.add(e.getKey());
                } else {
                    later = true;
                }
            }
        }
        for (Long key : dueKeys) {
            pending.remove(key);
        }
        cancelRetractions(due);
        due.sort(Comparator.comparingLong(this::timeOf));
        for (IN change : due) {
            apply(change);
        }
        if (allowedLateness > 0) {
            forget(timers.currentWatermark());
            if (!due.isEmpty()) {
                applied.put(at, due);
                retain(appliedFrom, at);
            }
        }
        if (closeAndRemember(gauge, at, due, timers, out)) {
            timers.registerEventTimeTimer(at + Minutes.MINUTE - 1);
        }
        if (anyPending && !later) {
            sequence.clear();
        }
    }

    private boolean closeAndRemember(String key, long at, List<IN> due, TimerService timers,
            Collector<MetricPoint> out) throws Exception {
        if (allowedLateness == 0) {
            return close(key, at, due, out);
        }
        if (hold > 0) {
            // nothing of this boundary is written yet: its points replace those held, if any
            List<MetricPoint> points = new ArrayList<>();
            boolean active = close(key, at, due, false, new Collector<>() {
                @Override
                public void collect(MetricPoint point) {
                    points.add(point);
                }

                @Override
                public void close() {}
            });
            if (points.isEmpty()) {
                held.remove(at);
            } else {
                held.put(at, points);
                retain(heldFrom, at);
                // a boundary timer too (final = at + hold - 1 is one): closing an inactive boundary writes nothing
                timers.registerEventTimeTimer(at + hold - 1);
            }
            return active;
        }
        boolean[] wrote = {false};
        boolean active = close(key, at, due, Boolean.TRUE.equals(written.get(at)), new Collector<>() {
            @Override
            public void collect(MetricPoint point) {
                wrote[0] = true;
                out.collect(point);
            }

            @Override
            public void close() {}
        });
        if (wrote[0]) {
            written.put(at, true);
            retain(appliedFrom, at);
        }
        return active;
    }

    /**
     * Undoes the changes of the boundaries from {@code end} on, adds the late change to its minute, and closes every
     * boundary from {@code end} up to the watermark again.
     */
    private void rewrite(String key, IN change, long end, long watermark, TimerService timers,
            Collector<MetricPoint> out) throws Exception {
        List<Long> later = new ArrayList<>();
        for (Long boundary : applied.keys()) {
            if (boundary >= end) {
                later.add(boundary);
            }
        }
        later.sort(Comparator.reverseOrder());
        for (Long boundary : later) {
            List<IN> changes = applied.get(boundary);
            for (int i = changes.size() - 1; i >= 0; i--) {
                undo(changes.get(i));
            }
        }
        List<IN> own = applied.get(end);
        List<IN> due = own == null ? new ArrayList<>() : new ArrayList<>(own);
        due.add(change);
        cancelRetractions(due);
        due.sort(Comparator.comparingLong(this::timeOf));
        applied.put(end, due);
        retain(appliedFrom, end);
        long last = Minutes.start(watermark + 1);
        boolean active = false;
        for (long at = end; at <= last; at += Minutes.MINUTE) {
            List<IN> changes = applied.get(at);
            changes = changes == null ? List.of() : changes;
            for (IN c : changes) {
                apply(c);
            }
            active = closeAndRemember(key, at, changes, timers, out);
        }
        if (active) {
            timers.registerEventTimeTimer(last + Minutes.MINUTE - 1);
        }
    }

    /**
     * Removes each retraction and the change it takes back from a minute's changes. A retraction without its change
     * (which cannot happen within the allowed lateness) is dropped.
     */
    private void cancelRetractions(List<IN> changes) {
        List<IN> retractions = new ArrayList<>();
        changes.removeIf(c -> isRetraction(c) && retractions.add(c));
        for (IN r : retractions) {
            for (int i = 0; i < changes.size(); i++) {
                if (changes.get(i).equals(r)) {
                    changes.remove(i);
                    break;
                }
            }
        }
    }

    /** Writes the held points that no late change can reach any more, in boundary order. */
    private void release(long watermark, Collector<MetricPoint> out) throws Exception {
        expire(heldFrom, lastFinal(watermark), List.of(held), boundary -> {
            List<MetricPoint> points = held.get(boundary);
            if (points != null) {
                points.forEach(out::collect);
                held.remove(boundary);
            }
        });
    }

    /** Drops what no late change can reach any more: boundaries the watermark passed by the allowed lateness. */
    private void forget(long watermark) throws Exception {
        List<MapState<Long, ?>> maps = written == null ? List.of(applied) : List.of(applied, written);
        expire(appliedFrom, lastFinal(watermark), maps, boundary -> {
            applied.remove(boundary);
            if (written != null) {
                written.remove(boundary);
            }
        });
    }

    /** What happens to a boundary that no late change can reach any more. */
    @FunctionalInterface
    private interface Expiry {
        void expire(long boundary) throws Exception;
    }

    /**
     * Passes every boundary kept in {@code maps} up to {@code last}, in order, to {@code expiry}, which removes it.
     * The boundaries are walked minute by minute from the oldest kept ({@code from}, at or before every one of
     * them), so a firing costs the minutes the watermark moved, not the hour of boundaries kept (which every firing
     * used to list); after a gap of more than {@link #SCAN_MINUTES} the kept ones are listed instead.
     */
    private static void expire(ValueState<Long> from, long last, List<MapState<Long, ?>> maps, Expiry expiry)
            throws Exception {
        Long oldest = from.value();
        if (oldest == null || last < oldest) {
            return;
        }
        long next;
        if (last - oldest > SCAN_MINUTES * Minutes.MINUTE) {
            TreeSet<Long> kept = new TreeSet<>();
            for (MapState<Long, ?> map : maps) {
                map.keys().forEach(kept::add);
            }
            for (Long boundary : kept.headSet(last, true)) {
                expiry.expire(boundary);
            }
            Long first = kept.higher(last);
            next = first == null ? Long.MAX_VALUE : first;
        } else {
            next = oldest;
            for (; next <= last; next += Minutes.MINUTE) {
                expiry.expire(next);
            }
        }
        boolean empty = true;
        for (MapState<Long, ?> map : maps) {
            empty &= map.isEmpty();
        }
        if (empty) {
            from.clear();
        } else {
            from.update(next);
        }
    }

    /** The last boundary no late change can reach at this watermark (b - 1 + allowed lateness <= watermark). */
    private long lastFinal(long watermark) {
        if (watermark == Long.MAX_VALUE || watermark == Long.MIN_VALUE) {
            return watermark;
        }
        return watermark + 1 - allowedLateness;
    }

    private static void retain(ValueState<Long> from, long boundary) throws Exception {
        Long known = from.value();
        if (known == null || boundary < known) {
            from.update(boundary);
        }
    }

    /** Whether boundary {@code at} lies after the minute of the run's last event (only meaningful at its end). */
    public static boolean beyondHorizon(ReadOnlyBroadcastState<String, Long> horizon, long at) throws Exception {
        Long last = lastEventTime(horizon);
        // At the end of input with no event time known there is nothing to extend the gauges to.
        return last == null || at > Minutes.start(last) + Minutes.MINUTE;
    }

    /** The latest event time announced, or null. */
    public static Long lastEventTime(ReadOnlyBroadcastState<String, Long> horizon) throws Exception {
        return horizon.get(HORIZON_KEY);
    }
}
