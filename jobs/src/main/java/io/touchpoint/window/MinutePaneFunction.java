package io.touchpoint.window;

import io.touchpoint.influx.MetricPoint;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Event-time windows built from one-minute panes: a 1-minute tumbling window and optional rolling windows of K
 * minutes that end at every minute boundary while they hold data.
 *
 * <p>Each element is added to exactly one pane. A rolling window is kept as a running sum that slides by one
 * minute per timer: the pane that enters is added and the pane that leaves is subtracted, so the work per key and
 * minute is a handful of state accesses whatever K and however many panes are retained (summing K panes at every
 * minute made the job spend most of its time re-reading the same panes).
 *
 * <p>A late element (its minute already fired, but within the allowed lateness) updates its pane and the running
 * sum when the sum covers its minute, and every window containing it that already fired is emitted again with the
 * same timestamp, so InfluxDB overwrites the point; those windows are rebuilt from the panes once and slid across
 * the fired range. Elements later than the allowed lateness are ignored here: the ingest step has already sent
 * them to the dead letters as TOO_LATE, because its watermark is never behind this operator's.
 *
 * <p>State per key: a map of minute start → pane, one running sum per rolling window and a {@link PaneProgress}.
 * Timers: one at the end of each minute while a window of the key holds data (it emits, slides the sums and
 * removes the panes that no late element can reach any more: older than the longest window plus the allowed
 * lateness); when no window holds data, one cleanup timer instead, at which the remaining panes are all expired and
 * everything is cleared, so a key with nothing left keeps no state and no timer.
 */
public abstract class MinutePaneFunction<K, IN, P> extends KeyedProcessFunction<K, IN, MetricPoint> {

    private static final long MINUTE = Minutes.MINUTE;
    private static final long NONE = PaneProgress.NONE;

    private final Class<P> paneType;
    private final long allowedLateness;
    /** How long after its end a window is first written: 0, or the allowed lateness in whole minutes (final only). */
    private final long hold;
    private final int[] rollingMinutes;
    private final int longest;

    private transient MapState<Long, P> panes;
    private transient ValueState<P>[] sums;
    private transient ValueState<PaneProgress> progress;

    /**
     * @param rollingMinutes the lengths of the rolling windows besides the 1-minute tumbling one, e.g. {@code 60}
     */
    protected MinutePaneFunction(Class<P> paneType, long allowedLatenessMillis, int... rollingMinutes) {
        this(paneType, allowedLatenessMillis, false, rollingMinutes);
    }

    /**
     * @param finalOnly write each window once, when no allowed late element can change it any more (the allowed
     *     lateness after its end, rounded up to whole minutes) instead of at its end and again for each late element;
     *     for a bounded run, where a window that a retraction empties would otherwise leave a point of zeros
     * @param rollingMinutes the lengths of the rolling windows besides the 1-minute tumbling one, e.g. {@code 60}
     */
    protected MinutePaneFunction(Class<P> paneType, long allowedLatenessMillis, boolean finalOnly,
            int... rollingMinutes) {
        this.paneType = paneType;
        this.allowedLateness = allowedLatenessMillis;
        this.hold = finalOnly ? (allowedLatenessMillis + MINUTE - 1) / MINUTE * MINUTE : 0;
        this.rollingMinutes = rollingMinutes.clone();
        int max = 1;
        for (int k : rollingMinutes) {
            max = Math.max(max, k);
        }
        this.longest = max;
    }

    protected abstract long timestampOf(IN element);

    protected abstract P newPane();

    protected abstract void add(P pane, IN element);

    /** Adds every element of {@code other} to {@code into}; {@code other} keeps its content. */
    protected abstract void merge(P into, P other);

    /** Removes from {@code from} every element of {@code other}, which {@code from} holds. */
    protected abstract void subtract(P from, P other);

    /**
     * Whether the element takes back one added before (a measurement a late event revised): it is removed from its
     * pane, and from the running sums that hold it, instead of added.
     */
    protected boolean isRetraction(IN element) {
        return false;
    }

    /** Removes from a pane or sum an element that was added to it; needed by windows that take retractions. */
    protected void remove(P pane, IN element) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take an element back");
    }

    /** Whether the pane or sum holds no element (its window writes no point). */
    protected abstract boolean isEmpty(P pane);

    /**
     * Emits the point(s) of one window of the current key.
     *
     * @param window {@code "1m"} for the tumbling window, else the rolling length such as {@code "1h"} or {@code "15m"}
     * @param end the window's end, which is the point's timestamp
     */
    protected abstract void emit(K key, String window, long end, P pane, Collector<MetricPoint> out);

    /** The tag value of a rolling window of {@code minutes}. */
    protected static String windowName(int minutes) {
        return minutes % 60 == 0 ? (minutes / 60) + "h" : minutes + "m";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext context) {
        TypeInformation<P> paneInfo = TypeInformation.of(paneType);
        if (!(paneInfo instanceof PojoTypeInfo)) {
            throw new IllegalStateException(paneType + " must be a Flink POJO to be kept as state");
        }
        panes = getRuntimeContext().getMapState(new MapStateDescriptor<>("panes", Types.LONG, paneInfo));
        sums = new ValueState[rollingMinutes.length];
        for (int i = 0; i < rollingMinutes.length; i++) {
            sums[i] = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("rolling-" + rollingMinutes[i], paneInfo));
        }
        progress = getRuntimeContext().getState(
                new ValueStateDescriptor<>("progress", TypeInformation.of(PaneProgress.class)));
    }

    @Override
    public void processElement(IN element, Context ctx, Collector<MetricPoint> out) throws Exception {
        long timestamp = timestampOf(element);
        TimerService timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        if (Minutes.tooLate(timestamp, watermark, allowedLateness)) {
            return;
        }
        long minute = Minutes.start(timestamp);
        long end = minute + MINUTE;
        boolean retraction = isRetraction(element);
        if (retraction && !panes.contains(minute)) {
            return; // its pane has expired: nothing to take back
        }
        PaneProgress p = progress.value();
        if (p == null) {
            p = new PaneProgress(minute);
        } else {
            if (p.cleanupAt != NONE) {
                timers.deleteEventTimeTimer(p.cleanupAt);
                p.cleanupAt = NONE;
            }
            p.oldest = Math.min(p.oldest, minute);
            p.newest = Math.max(p.newest, minute);
        }
        P pane = panes.get(minute);
        if (pane == null) {
            pane = newPane();
        }
        change(pane, element, retraction);
        panes.put(minute, pane);

        if (watermark == Long.MIN_VALUE || end - 1 + hold > watermark) {
            // Window timers sit one millisecond before a minute boundary (+ the hold), cleanup timers on one.
            timers.registerEventTimeTimer(end - 1 + hold);
            progress.update(p);
            return;
        }
        // Late update: the running sums that cover this minute take it too, and every window containing this
        // minute that has already fired is emitted again (one a retraction emptied with no samples: it was written
        // before, and InfluxDB must not keep the old point).
        K key = ctx.getCurrentKey();
        emit(key, "1m", end, pane, out);
        long firstUnfired = Minutes.firstUnfiredEnd(watermark - hold);
        for (int i = 0; i < rollingMinutes.length; i++) {
            int k = rollingMinutes[i];
            if (p.summedEnd != NONE && minute < p.summedEnd && minute >= p.summedEnd - k * MINUTE) {
                P sum = sums[i].value();
                if (sum == null) {
                    sum = newPane();
                }
                change(sum, element, retraction);
                sums[i].update(sum);
            }
            emitFired(key, k, p, end, Math.min(end + k * MINUTE, firstUnfired), out);
        }
        if (end + (longest - 1) * MINUTE >= firstUnfired) {
            timers.registerEventTimeTimer(firstUnfired - 1 + hold);
        } else if (p.newest < firstUnfired - longest * MINUTE) {
            // No window from here on holds data, so no minute timer is pending for this key.
            scheduleCleanup(p, timers);
        }
        progress.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        PaneProgress p = progress.value();
        if (p == null) {
            return;
        }
        if (timestamp % MINUTE == 0) {
            if (timestamp == p.cleanupAt) {
                clearAll();
            }
            return;
        }
        long end = timestamp + 1 - hold;
        K key = ctx.getCurrentKey();
        P last = panes.get(end - MINUTE);
        if (last != null && !isEmpty(last)) {
            emit(key, "1m", end, last, out);
        }
        for (int i = 0; i < rollingMinutes.length; i++) {
            int k = rollingMinutes[i];
            P sum = slide(sums[i].value(), k, p, end);
            if (isEmpty(sum)) {
                sums[i].clear();
            } else {
                emit(key, windowName(k), end, sum, out);
                sums[i].update(sum);
            }
        }
        p.summedEnd = end;
        if (!removeExpiredPanes(p, timestamp)) {
            return;
        }
        if (p.newest >= end - (longest - 1) * MINUTE) {
            ctx.timerService().registerEventTimeTimer(end + MINUTE - 1 + hold);
        } else {
            scheduleCleanup(p, ctx.timerService());
        }
        progress.update(p);
    }

    private void change(P pane, IN element, boolean retraction) {
        if (retraction) {
            remove(pane, element);
        } else {
            add(pane, element);
        }
    }

    /**
     * Moves the running sum of the K-minute window from {@code p.summedEnd} to {@code end}: one pane in and one out
     * per minute, or, after a gap of K minutes or more, a fresh sum of the retained panes in the window.
     */
    private P slide(P sum, int k, PaneProgress p, long end) throws Exception {
        long length = k * MINUTE;
        if (p.summedEnd == NONE || end - p.summedEnd >= length) {
            return sumOf(end - length, end, p);
        }
        if (sum == null) {
            sum = newPane(); // an empty sum is not kept
        }
        for (long start = p.summedEnd; start < end; start += MINUTE) {
            slideOneMinute(sum, start, length);
        }
        return sum;
    }

    /** Adds the pane starting at {@code entering} to the sum of a window of {@code length}, and removes the one leaving. */
    private void slideOneMinute(P sum, long entering, long length) throws Exception {
        P in = panes.get(entering);
        if (in != null) {
            merge(sum, in);
        }
        P out = panes.get(entering - length);
        if (out != null) {
            subtract(sum, out);
        }
    }

    /** The sum of the retained panes starting in [from, to). */
    private P sumOf(long from, long to, PaneProgress p) throws Exception {
        P sum = newPane();
        for (long start = Math.max(from, p.oldest); start < to && start <= p.newest; start += MINUTE) {
            P pane = panes.get(start);
            if (pane != null) {
                merge(sum, pane);
            }
        }
        return sum;
    }

    /** Emits again the K-minute windows ending in [firstEnd, stopEnd), which have already fired. */
    private void emitFired(K key, int k, PaneProgress p, long firstEnd, long stopEnd, Collector<MetricPoint> out)
            throws Exception {
        if (firstEnd >= stopEnd) {
            return;
        }
        long length = k * MINUTE;
        P sum = sumOf(firstEnd - length, firstEnd, p);
        for (long end = firstEnd; ; end += MINUTE) {
            // each of these windows holds the late element's minute: it was written, or holds the element now
            emit(key, windowName(k), end, sum, out);
            if (end + MINUTE >= stopEnd) {
                return;
            }
            slideOneMinute(sum, end, length);
        }
    }

    /**
     * Removes the panes no allowed late element can reach any more (see {@link #retainUntil}).
     *
     * @return false when that was every pane and the key's state has been cleared
     */
    private boolean removeExpiredPanes(PaneProgress p, long watermark) throws Exception {
        long lastExpired = watermark - retainUntil(0);
        if (p.newest <= lastExpired) {
            clearAll();
            return false;
        }
        long start = p.oldest;
        for (; start <= lastExpired; start += MINUTE) {
            panes.remove(start);
        }
        p.oldest = start;
        return true;
    }

    /**
     * A pane can be dropped once no allowed late element can reach a window that contains it: when the watermark
     * reaches this instant.
     */
    private long retainUntil(long paneStart) {
        return paneStart + (longest + 1) * MINUTE + allowedLateness + hold;
    }

    /** One timer, on a minute boundary, by which every retained pane has expired. */
    private void scheduleCleanup(PaneProgress p, TimerService timers) {
        long at = Minutes.start(retainUntil(p.newest) + MINUTE - 1);
        if (p.cleanupAt != at) {
            if (p.cleanupAt != NONE) {
                timers.deleteEventTimeTimer(p.cleanupAt);
            }
            timers.registerEventTimeTimer(at);
            p.cleanupAt = at;
        }
    }

    private void clearAll() {
        panes.clear();
        for (ValueState<P> sum : sums) {
            sum.clear();
        }
        progress.clear();
    }
}
