package io.touchpoint.ingest;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of SPEC §3, one generator per Kafka partition: bounded out-of-orderness behind the time the bulk of the
 * partition's valid events has reached ({@link BulkClock}), not behind the single largest timestamp, so a few records
 * with a wrong clock do not turn the rest into late data. Rejected records never move it.
 *
 * <p>Live mode: once a partition has had no record for the idleness timeout, its watermark follows the wall clock
 * at most {@code liveMaxLag} behind, so windows and gauges of a channel whose traffic stopped are still written — a
 * silent outage stays visible. While records flow the watermark is pure event time, so a backlog read in live mode
 * is not turned into late data. Bounded mode is pure event time.
 *
 * <p>Besides the periodic emission, a watermark is emitted on an event whenever it moved by at least a second, so
 * the lateness check right after the source sees an up-to-date watermark even when a partition is read in bursts.
 */
public final class LiveWatermarks implements WatermarkGenerator<Ingested> {

    private static final long EMIT_STEP = 1_000L;

    private final long outOfOrderness;
    private final long idleness;
    private final long liveMaxLag;
    private final boolean live;
    private final LongSupplier clock;

    private final BulkClock bulk = new BulkClock();
    private long lastEmitted = Long.MIN_VALUE;
    private long lastRecordWallTime;

    public LiveWatermarks(Duration outOfOrderness, Duration idleness, Duration liveMaxLag, boolean live, LongSupplier clock) {
        this.outOfOrderness = outOfOrderness.toMillis();
        this.idleness = idleness.toMillis();
        this.liveMaxLag = liveMaxLag.toMillis();
        this.live = live;
        this.clock = clock;
        this.lastRecordWallTime = clock.getAsLong();
    }

    public static WatermarkStrategy<Ingested> strategy(
            Duration outOfOrderness, Duration idleness, Duration liveMaxLag, boolean live) {
        return WatermarkStrategy.<Ingested>forGenerator(
                        ctx -> new LiveWatermarks(outOfOrderness, idleness, liveMaxLag, live, System::currentTimeMillis))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime());
    }

    @Override
    public void onEvent(Ingested record, long eventTimestamp, WatermarkOutput output) {
        lastRecordWallTime = clock.getAsLong();
        if (!record.isValid()) {
            return;
        }
        // A watermark that followed the wall clock while the partition was quiet is a time the data has reached too.
        bulk.observe(eventTimestamp, lastEmitted == Long.MIN_VALUE ? Long.MIN_VALUE : lastEmitted + outOfOrderness + 1);
        long candidate = eventTimeWatermark();
        if (candidate != Long.MIN_VALUE && (lastEmitted == Long.MIN_VALUE || candidate >= lastEmitted + EMIT_STEP)) {
            emit(candidate, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = eventTimeWatermark();
        if (live) {
            long now = clock.getAsLong();
            if (now - lastRecordWallTime >= idleness) {
                candidate = Math.max(candidate, now - liveMaxLag);
            }
        }
        if (candidate != Long.MIN_VALUE && candidate > lastEmitted) {
            emit(candidate, output);
        }
    }

    private long eventTimeWatermark() {
        long time = bulk.time();
        return time == Long.MIN_VALUE ? Long.MIN_VALUE : time - outOfOrderness - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
