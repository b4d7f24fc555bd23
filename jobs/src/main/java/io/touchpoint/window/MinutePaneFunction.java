package io.touchpoint.window;

import io.touchpoint.influx.MetricPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Event-time windows built from one-minute panes: a 1-minute tumbling window and optional rolling windows of K
 * minutes that end at every minute boundary while they hold data.
 *
 * <p>Each element is added to exactly one pane, and a rolling window is the sum of its K panes when it fires, so
 * the cost per element does not grow with K (a sliding window would copy every element into K windows); the
 * per-minute work is K pane merges per key, independent of the event rate.
 *
 * <p>A late element (its minute already fired, but within the allowed lateness) updates its pane and every window
 * containing it that already fired is emitted again with the same timestamp, so InfluxDB overwrites the point.
 * Elements later than the allowed lateness are ignored here: the ingest step has already sent them to the dead
 * letters as TOO_LATE, because its watermark is never behind this operator's.
 *
 * <p>State: one map of minute start → pane per key. Panes are removed once no late element can reach a window
 * containing them (older than the longest window plus the allowed lateness); a key whose windows are all empty
 * keeps no state and no timer.
 */
public abstract class MinutePaneFunction<K, IN, P> extends KeyedProcessFunction<K, IN, MetricPoint> {

    private static final long MINUTE = Minutes.MINUTE;

    private final Class<P> paneType;
    private final long allowedLateness;
    private final int[] rollingMinutes;
    private final int longest;

    private transient MapState<Long, P> panes;

    /**
     * @param rollingMinutes the lengths of the rolling windows besides the 1-minute tumbling one, e.g. {@code 60}
     */
    protected MinutePaneFunction(Class<P> paneType, long allowedLatenessMillis, int... rollingMinutes) {
        this.paneType = paneType;
        this.allowedLateness = allowedLatenessMillis;
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

    protected abstract void merge(P into, P other);

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
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
        TypeInformation<P> paneInfo = TypeInformation.of(paneType);
        if (!(paneInfo instanceof PojoTypeInfo)) {
            throw new IllegalStateException(paneType + " must be a Flink POJO to be kept as state");
        }
        panes = getRuntimeContext().getMapState(new MapStateDescriptor<>("panes", Types.LONG, paneInfo));
    }

    @Override
    public void processElement(IN element, Context ctx, Collector<MetricPoint> out) throws Exception {
        long timestamp = timestampOf(element);
        long watermark = ctx.timerService().currentWatermark();
        if (Minutes.tooLate(timestamp, watermark, allowedLateness)) {
            return;
        }
        long minute = Minutes.start(timestamp);
        long end = minute + MINUTE;
        P pane = panes.get(minute);
        if (pane == null) {
            pane = newPane();
        }
        add(pane, element);
        panes.put(minute, pane);
        // Cleanup timers sit on exact minute boundaries; window timers one millisecond before them.
        ctx.timerService().registerEventTimeTimer(retainUntil(minute));

        if (watermark == Long.MIN_VALUE || end - 1 > watermark) {
            ctx.timerService().registerEventTimeTimer(end - 1);
            return;
        }
        // Late update: emit again every window containing this minute that has already fired.
        K key = ctx.getCurrentKey();
        emit(key, "1m", end, pane, out);
        long firstUnfired = Minutes.firstUnfiredEnd(watermark);
        for (int k : rollingMinutes) {
            for (long windowEnd = end; windowEnd < end + k * MINUTE && windowEnd < firstUnfired; windowEnd += MINUTE) {
                emitRolling(key, k, windowEnd, out);
            }
        }
        if (end + (longest - 1) * MINUTE >= firstUnfired) {
            ctx.timerService().registerEventTimeTimer(firstUnfired - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        if (timestamp % MINUTE == 0) {
            removePanesBefore(timestamp);
            return;
        }
        long end = timestamp + 1;
        K key = ctx.getCurrentKey();
        P last = panes.get(end - MINUTE);
        if (last != null) {
            emit(key, "1m", end, last, out);
        }
        for (int k : rollingMinutes) {
            emitRolling(key, k, end, out);
        }
        if (longest > 1) {
            for (Long start : panes.keys()) {
                if (start >= end - (longest - 1) * MINUTE) {
                    ctx.timerService().registerEventTimeTimer(end + MINUTE - 1);
                    break;
                }
            }
        }
    }

    /** A pane can be dropped once no allowed late element can reach a window that contains it. */
    private long retainUntil(long paneStart) {
        return paneStart + (longest + 1) * MINUTE + allowedLateness;
    }

    private void removePanesBefore(long timestamp) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Long start : panes.keys()) {
            if (retainUntil(start) <= timestamp) {
                expired.add(start);
            }
        }
        for (long start : expired) {
            panes.remove(start);
        }
    }

    private void emitRolling(K key, int minutes, long end, Collector<MetricPoint> out) throws Exception {
        P sum = null;
        for (Map.Entry<Long, P> entry : panes.entries()) {
            long start = entry.getKey();
            if (start >= end - minutes * MINUTE && start < end) {
                if (sum == null) {
                    sum = newPane();
                }
                merge(sum, entry.getValue());
            }
        }
        if (sum != null) {
            emit(key, windowName(minutes), end, sum, out);
        }
    }
}
