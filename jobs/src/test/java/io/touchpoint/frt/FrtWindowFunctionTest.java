package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.influx.MetricPoint;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrtWindowFunctionTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, MetricPoint> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FrtWindowFunction(3_600_000L)), r -> r.channel, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static long t(String time) {
        return Instant.parse("2026-11-20T" + time + "Z").toEpochMilli();
    }

    private static ReplySample sample(double seconds, String stop) {
        ReplySample s = new ReplySample();
        s.channel = "chat";
        s.conversationId = "c1";
        s.stop = t(stop);
        s.start = s.stop - (long) (seconds * 1000);
        s.frtSeconds = seconds;
        s.slaTargetSeconds = 120;
        s.withinSla = seconds <= 120;
        return s;
    }

    private void send(ReplySample s) throws Exception {
        harness.processElement(ReplyPartial.of(s), s.stop);
    }

    /** What InfluxDB keeps: the last point written per window and timestamp, as "replies p90 breached". */
    private Map<String, String> kept() {
        Map<String, String> kept = new TreeMap<>();
        for (MetricPoint p : harness.extractOutputValues()) {
            kept.put(p.tag("window") + "@" + Instant.ofEpochMilli(p.timestamp).toString().substring(11, 16),
                    (long) p.field("replies") + " " + p.field("frt_p90_s") + " " + (long) p.field("breached"));
        }
        return kept;
    }

    @Test
    void aRetractedSampleLeavesEveryWindowThatHeldItAndItsReplacementJoinsItsOwnMinute() throws Exception {
        ReplySample late = sample(300, "10:05:00");
        send(late);
        harness.processWatermark(t("10:08:00"));
        assertThat(kept()).containsEntry("1m@10:06", "1 300.0 1").containsEntry("15m@10:08", "1 300.0 1")
                .hasSize(4);

        // a late reply at 10:01 answered the customer first: the 10:05 sample is taken back, a 60 s one added
        send(late.retraction());
        send(sample(60, "10:01:00"));
        harness.processWatermark(t("10:30:00"));

        Map<String, String> expected = new TreeMap<>();
        expected.put("1m@10:02", "1 60.0 0");
        // the minute that held the retracted sample is overwritten with zeros, not left at 300 s
        expected.put("1m@10:06", "0 0.0 0");
        for (int minute = 2; minute <= 16; minute++) {
            expected.put(String.format("15m@10:%02d", minute), "1 60.0 0");
        }
        assertThat(kept()).isEqualTo(expected);
    }

    @Test
    void aBoundedRunWritesEachWindowOnceWhenFinalSoARetractionLeavesNoPointBehind() throws Exception {
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FrtWindowFunction(3_600_000L, true)), r -> r.channel, Types.STRING);
        harness.open();
        ReplySample late = sample(300, "10:05:00");
        send(late);
        harness.processWatermark(t("10:08:00"));
        assertThat(harness.extractOutputValues()).isEmpty(); // an hour may still change these windows

        send(late.retraction());
        send(sample(60, "10:01:00"));
        harness.processWatermark(t("11:01:59.999")); // the windows ending at 10:02 are final
        assertThat(harness.extractOutputValues()).extracting(p -> p.tag("window")).containsExactly("1m", "15m");
        harness.processWatermark(Long.MAX_VALUE);

        // each point once, exactly those of the reply at 10:01 alone: no 1m@10:06 point at all
        assertThat(harness.extractOutputValues()).extracting(p -> p.tag("window") + "@"
                + Instant.ofEpochMilli(p.timestamp).toString().substring(11, 16)).doesNotHaveDuplicates().hasSize(16);
        Map<String, String> expected = new TreeMap<>();
        expected.put("1m@10:02", "1 60.0 0");
        for (int minute = 2; minute <= 16; minute++) {
            expected.put(String.format("15m@10:%02d", minute), "1 60.0 0");
        }
        assertThat(kept()).isEqualTo(expected);
    }
}
