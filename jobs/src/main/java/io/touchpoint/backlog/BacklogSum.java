package io.touchpoint.backlog;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.Minutes;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@code backlog} of a channel as the sum of its buckets' points ({@link BacklogFunction} keyed by channel and
 * bucket): running clocks, clocks over the SLA, abandoned and expired cycles add up, the oldest wait is the longest of
 * the buckets' (the same instant minus the earliest start), the target is the channel's. A bucket writes a boundary
 * when a clock of its runs at it or at the boundary before, or it had a change in the minute, or it wrote the boundary
 * before; each of these holds for the channel exactly when it holds for one of its buckets, so the channel's points are
 * those of one backlog function keyed by channel.
 *
 * <p>Timing. Live: the buckets write a boundary when the watermark passes it, ahead of that watermark, so the sum is
 * written when the watermark passes the boundary here; a bucket point for a boundary already written (a late change
 * rewrote the bucket's minutes) writes the channel's sum again at once, with the same timestamp. Bounded (final only):
 * each bucket writes a boundary once, at the latest when the watermark is the hold past it; the sum is written then.
 *
 * <p>State per channel: the latest point of each bucket per boundary, dropped once no late change can reach the
 * boundary (the allowed lateness after it); per boundary one timer to write the sum and one to drop it.
 */
public class BacklogSum extends KeyedProcessFunction<String, MetricPoint, MetricPoint> {

    private final long allowedLateness;
    /** How long after its boundary the sum is written: 0, or the allowed lateness in whole minutes (final only). */
    private final long hold;
    private transient MapState<Long, List<MetricPoint>> buckets;

    /** @param finalOnly the buckets write each boundary once it is final (bounded runs) */
    public BacklogSum(long allowedLatenessMillis, boolean finalOnly) {
        this.allowedLateness = allowedLatenessMillis;
        this.hold = finalOnly ? (allowedLatenessMillis + Minutes.MINUTE - 1) / Minutes.MINUTE * Minutes.MINUTE : 0;
    }

    @Override
    public void open(OpenContext context) {
        buckets = getRuntimeContext().getMapState(new MapStateDescriptor<>("bucket-points", Types.LONG,
                Types.LIST(TypeInformation.of(MetricPoint.class))));
    }

    @Override
    public void processElement(MetricPoint point, Context ctx, Collector<MetricPoint> out) throws Exception {
        long at = point.timestamp;
        List<MetricPoint> points = buckets.get(at);
        points = points == null ? new ArrayList<>() : new ArrayList<>(points);
        String bucket = point.tag("bucket");
        points.removeIf(p -> bucket.equals(p.tag("bucket")));
        points.add(copy(point));
        buckets.put(at, points);
        // the sum's timer sits one millisecond before a minute boundary (+ the hold), the one to drop it on a boundary
        long writeAt = at - 1 + hold;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark == Long.MIN_VALUE || writeAt > watermark) {
            ctx.timerService().registerEventTimeTimer(writeAt);
            ctx.timerService().registerEventTimeTimer(forgetAt(at));
        } else {
            out.collect(sum(ctx.getCurrentKey(), at, points));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
        if (timestamp % Minutes.MINUTE == 0) {
            // the one boundary whose forget timer this is (forgetAt moves by a minute per boundary); every kept
            // boundary has its own, so listing all of them at every firing (two hours' worth) is not needed
            long at = timestamp - Minutes.MINUTE
                    - Math.floorDiv(allowedLateness + hold - 1, Minutes.MINUTE) * Minutes.MINUTE;
            if (forgetAt(at) == timestamp && buckets.contains(at)) {
                buckets.remove(at);
                return;
            }
            List<Long> old = new ArrayList<>();
            for (Long kept : buckets.keys()) {
                if (forgetAt(kept) <= timestamp) {
                    old.add(kept);
                }
            }
            for (Long kept : old) {
                buckets.remove(kept);
            }
            return;
        }
        long at = timestamp + 1 - hold;
        List<MetricPoint> points = buckets.get(at);
        if (points != null) {
            out.collect(sum(ctx.getCurrentKey(), at, points));
        }
    }

    /** The first minute boundary at which no late change can rewrite boundary {@code at} any more. */
    private long forgetAt(long at) {
        return Minutes.start(at - 1 + allowedLateness + hold) + Minutes.MINUTE;
    }

    /** The channel's point: the buckets' counts added up, the longest oldest wait, the channel's target. */
    static MetricPoint sum(String channel, long at, List<MetricPoint> points) {
        long awaiting = 0;
        long overSla = 0;
        long abandoned = 0;
        long expired = 0;
        double oldestWait = 0;
        for (MetricPoint p : points) {
            awaiting += (long) p.field("awaiting_first_reply");
            overSla += (long) p.field("over_sla");
            abandoned += (long) p.field("abandoned");
            expired += (long) p.field("expired");
            oldestWait = Math.max(oldestWait, p.field("oldest_wait_s"));
        }
        return MetricPoint.builder("backlog", at)
                .tag("channel", channel)
                .count("awaiting_first_reply", awaiting)
                .value("oldest_wait_s", oldestWait)
                .count("over_sla", overSla)
                .count("abandoned", abandoned)
                .count("expired", expired)
                .value("sla_target_s", points.get(0).field("sla_target_s"))
                .build();
    }

    private static MetricPoint copy(MetricPoint point) {
        MetricPoint c = new MetricPoint();
        c.measurement = point.measurement;
        c.tags = point.tags.clone();
        c.fieldNames = point.fieldNames.clone();
        c.fieldValues = point.fieldValues.clone();
        c.integerFields = point.integerFields;
        c.timestamp = point.timestamp;
        return c;
    }
}
