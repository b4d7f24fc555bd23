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

    @Test
    void boundedOutOfOrdernessOverValidRecordsOnly() {
        LiveWatermarks w = generator(false);
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
        w.onEvent(valid(5_000), 5_000, output);
        wallClock += 3_600_000;
        w.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(-5_001L);
    }
}
