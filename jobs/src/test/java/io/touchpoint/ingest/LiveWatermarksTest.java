package io.touchpoint.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class LiveWatermarksTest {

    private long wallClock = 1_000_000_000L;
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    private LiveWatermarks generator(boolean live) {
        return new LiveWatermarks(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), live,
                () -> wallClock);
    }

    private static Ingested valid(long at) {
        Ingested in = new Ingested();
        in.survey = new Survey();
        in.survey.occurredAt = at;
        return in;
    }

    /**
     * Feeds all but one of the events a partition needs before its clock is the bulk's, at {@code at}: the next event
     * completes the quorum. No watermark comes from them.
     */
    private void primeAt(LiveWatermarks w, long at) {
        for (int i = 1; i < BulkClock.QUORUM; i++) {
            w.onEvent(valid(at), at, output);
        }
        assertThat(emitted).isEmpty();
    }

    @Test
    void boundedOutOfOrdernessOverValidRecordsOnly() {
        LiveWatermarks w = generator(false);
        primeAt(w, 100_000);
        w.onEvent(valid(100_000), 100_000, output);
        Ingested rejected = new Ingested();
        rejected.reject(io.touchpoint.avro.DeadLetterReason.FUTURE_TIMESTAMP, "far future");
        w.onEvent(rejected, Long.MIN_VALUE, output);
        w.onEvent(valid(100_500), 100_500, output); // moved by less than a second: left to the periodic emit
        w.onEvent(valid(102_000), 102_000, output);
        w.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(89_999L, 91_999L);
    }

    @Test
    void liveModeFollowsTheWallClockOnlyWhenQuiet() {
        LiveWatermarks w = generator(true);
        long eventTime = wallClock - 3_600_000; // a backlog an hour old
        primeAt(w, eventTime);
        w.onEvent(valid(eventTime), eventTime, output);
        wallClock += 29_000;
        w.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(eventTime - 10_001);

        wallClock += 1_000; // 30 s without a record: quiet
        w.onPeriodicEmit(output);
        assertThat(emitted).last().isEqualTo(wallClock - 30_000);
        wallClock += 60_000;
        w.onPeriodicEmit(output);
        assertThat(emitted).last().isEqualTo(wallClock - 30_000);
    }

    @Test
    void boundedModeNeverFollowsTheWallClock() {
        LiveWatermarks w = generator(false);
        primeAt(w, 5_000);
        w.onEvent(valid(5_000), 5_000, output);
        wallClock += 3_600_000;
        w.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(-5_001L);
    }

    @Test
    void recordsTenHoursAheadAtTheHeadAndSpreadThroughDoNotMoveTheWatermark() {
        LiveWatermarks w = generator(false);
        long ahead = 10 * 3_600_000L;
        long t = 1_000_000;
        // a producer with a clock ten hours ahead sends first: 7 records, then ordinary traffic every 2 s
        for (int i = 0; i < 7; i++) {
            w.onEvent(valid(t + ahead + i), t + ahead + i, output);
        }
        for (int i = 0; i < 1_000; i++) {
            long at = t + 2_000L * i;
            w.onEvent(valid(at), at, output);
            if (i % 50 == 25) { // and one more in every 50 records
                w.onEvent(valid(at + ahead), at + ahead, output);
            }
        }
        w.onPeriodicEmit(output);
        // the 16th record completes the quorum: the 16th largest of 7 ahead and 9 ordinary is the first ordinary one,
        // and the other 8 follow it 2 s apart
        assertThat(emitted.get(0)).isEqualTo(t + 16_000 - 10_001);
        // then the watermark follows the ordinary records: the last is at t + 1,998 s
        assertThat(emitted).last().isEqualTo(t + 1_998_000 - 10_001);
        assertThat(emitted).isSorted().allSatisfy(wm -> assertThat(wm).isLessThan(t + 1_998_000));
    }

    @Test
    void liveModeFollowsARecordNearTheQuietWatermarkAtOnce() {
        LiveWatermarks w = generator(true);
        wallClock += 30_000; // quiet since the start: the watermark follows the wall clock
        w.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(wallClock - 30_000);
        // the first record, 5 s old: within a step of the time the quiet watermark stands for, so no quorum needed
        w.onEvent(valid(wallClock - 5_000), wallClock - 5_000, output);
        assertThat(emitted).containsExactly(wallClock - 30_000, wallClock - 5_000 - 10_001);
        // a record ten hours ahead right after it moves nothing
        w.onEvent(valid(wallClock + 36_000_000), wallClock + 36_000_000, output);
        w.onPeriodicEmit(output);
        assertThat(emitted).hasSize(2);
    }
}
