package io.touchpoint.survey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoint.influx.MetricPoint;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SurveyWindowFunctionTest {

    private static final String NPS_CHAT = SurveySeries.NPS + SurveySeries.SEPARATOR + "chat";
    private static final long HOUR = 3_600_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, ScoreObservation, MetricPoint> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SurveyWindowFunction(HOUR)), o -> o.series, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static long t(String time) {
        return Instant.parse("2026-11-02T" + time + "Z").toEpochMilli();
    }

    private void score(String time, int score) throws Exception {
        harness.processElement(new ScoreObservation(NPS_CHAT, t(time), score), t(time));
    }

    private List<MetricPoint> points(String window) {
        return harness.extractOutputValues().stream().filter(p -> window.equals(p.tag("window"))).toList();
    }

    @Test
    void oneMinuteAndRollingHourFromPanes() throws Exception {
        score("10:00:05", 10);
        score("10:00:30", 9);
        score("10:00:59.999", 3);
        score("10:01:00", 7); // an event exactly on the boundary belongs to the minute that starts there
        harness.processWatermark(t("10:00:59.999"));

        List<MetricPoint> minute = points("1m");
        assertThat(minute).hasSize(1);
        MetricPoint first = minute.get(0);
        assertThat(first.measurement).isEqualTo("nps");
        assertThat(first.timestamp).isEqualTo(t("10:01:00"));
        assertThat(first.tag("channel")).isEqualTo("chat");
        assertThat(first.field("responses")).isEqualTo(3);
        assertThat(first.field("promoters")).isEqualTo(2);
        assertThat(first.field("detractors")).isEqualTo(1);
        assertThat(first.field("nps")).isCloseTo(100.0 / 3, within(1e-12));

        harness.processWatermark(t("12:00:00"));
        List<MetricPoint> rolling = points("1h");
        // windows ending 10:01 .. 11:01 hold data: 61 points, one per minute
        assertThat(rolling).hasSize(61);
        assertThat(rolling.get(0).timestamp).isEqualTo(t("10:01:00"));
        assertThat(rolling.get(0).field("responses")).isEqualTo(3);
        assertThat(rolling.get(1).timestamp).isEqualTo(t("10:02:00"));
        assertThat(rolling.get(1).field("responses")).isEqualTo(4);
        assertThat(rolling.get(1).field("nps")).isEqualTo(25.0); // (2 - 1) / 4
        assertThat(rolling.get(59).timestamp).isEqualTo(t("11:00:00"));
        assertThat(rolling.get(59).field("responses")).isEqualTo(4);
        assertThat(rolling.get(60).timestamp).isEqualTo(t("11:01:00"));
        assertThat(rolling.get(60).field("responses")).isEqualTo(1);
        assertThat(rolling.get(60).field("passives")).isEqualTo(1);
        assertThat(points("1m")).extracting(p -> p.timestamp).containsExactly(t("10:01:00"), t("10:02:00"));
    }

    @Test
    void aLateEventRewritesEveryFiredWindowWithTheSameTimestamp() throws Exception {
        score("10:00:05", 10);
        score("10:00:30", 9);
        score("10:01:10", 7);
        harness.processWatermark(t("10:04:59.999"));
        int before = harness.extractOutputValues().size();

        score("10:00:40", 0); // late: its minute fired at 10:01, but within the hour of allowed lateness

        List<MetricPoint> rewritten = harness.extractOutputValues().subList(before, harness.extractOutputValues().size());
        MetricPoint minute = rewritten.stream().filter(p -> p.tag("window").equals("1m")).findFirst().orElseThrow();
        assertThat(minute.timestamp).isEqualTo(t("10:01:00"));
        assertThat(minute.field("responses")).isEqualTo(3);
        assertThat(minute.field("detractors")).isEqualTo(1);
        assertThat(minute.field("nps")).isCloseTo(100.0 / 3, within(1e-12)); // (2 - 1) / 3
        // rolling windows ending 10:01 .. 10:05 have fired and contain 10:00: all written again
        List<MetricPoint> rolling = rewritten.stream().filter(p -> p.tag("window").equals("1h")).toList();
        assertThat(rolling).extracting(p -> p.timestamp)
                .containsExactly(t("10:01:00"), t("10:02:00"), t("10:03:00"), t("10:04:00"), t("10:05:00"));
        assertThat(rolling.get(0).field("responses")).isEqualTo(3);
        assertThat(rolling.get(4).field("responses")).isEqualTo(4);
        assertThat(rolling.get(4).field("nps")).isEqualTo(25.0);
    }

    @Test
    void anEventBeyondTheAllowedLatenessIsIgnored() throws Exception {
        score("10:00:05", 10);
        harness.processWatermark(t("11:00:59.999"));
        int before = harness.extractOutputValues().size();

        score("09:59:30", 0); // its minute closed at 10:00, more than an hour before the watermark

        assertThat(harness.extractOutputValues()).hasSize(before);
    }

    @Test
    void touchpointSeriesCarryTheTouchpointTag() {
        ScorePane pane = new ScorePane();
        pane.add(9);
        MetricPoint p = SurveyWindowFunction.point(
                SurveySeries.NPS_TOUCHPOINT + SurveySeries.SEPARATOR + "email" + SurveySeries.SEPARATOR + "billing",
                "1h", t("10:00:00"), pane);
        assertThat(p.measurement).isEqualTo("nps_touchpoint");
        assertThat(p.tagMap()).containsExactly(
                java.util.Map.entry("channel", "email"),
                java.util.Map.entry("touchpoint", "billing"),
                java.util.Map.entry("window", "1h"));
        assertThat(p.field("nps")).isEqualTo(100.0);
    }

    @Test
    void csatAndCesByTouchpointCarryTheTouchpointTagAndTheirOwnFields() throws Exception {
        String separator = String.valueOf(SurveySeries.SEPARATOR);
        String csat = String.join(separator, SurveySeries.CSAT_TOUCHPOINT, "chat", "billing");
        String ces = String.join(separator, SurveySeries.CES_TOUCHPOINT, "chat", "orders");
        for (int score : new int[] {5, 4, 2}) {
            harness.processElement(new ScoreObservation(csat, t("10:00:10"), score), t("10:00:10"));
        }
        for (int score : new int[] {2, 3, 7}) {
            harness.processElement(new ScoreObservation(ces, t("10:00:20"), score), t("10:00:20"));
        }
        harness.processElement(new ScoreObservation(ces, t("10:01:30"), 1), t("10:01:30"));
        harness.processWatermark(t("10:01:59.999"));

        MetricPoint csatMinute = only("csat_touchpoint", "1m", t("10:01:00"));
        assertThat(csatMinute.tagMap()).containsExactly(
                java.util.Map.entry("channel", "chat"),
                java.util.Map.entry("touchpoint", "billing"),
                java.util.Map.entry("window", "1m"));
        assertThat(csatMinute.field("responses")).isEqualTo(3);
        assertThat(csatMinute.field("satisfied")).isEqualTo(2); // 5 and 4
        assertThat(csatMinute.field("csat")).isCloseTo(200.0 / 3, within(1e-12));

        MetricPoint cesMinute = only("ces_touchpoint", "1m", t("10:01:00"));
        assertThat(cesMinute.tag("touchpoint")).isEqualTo("orders");
        assertThat(cesMinute.field("responses")).isEqualTo(3);
        assertThat(cesMinute.field("ces_mean")).isEqualTo(4.0); // (2 + 3 + 7) / 3
        // the rolling hour ending 10:02 holds both minutes: (2 + 3 + 7 + 1) / 4
        MetricPoint cesHour = only("ces_touchpoint", "1h", t("10:02:00"));
        assertThat(cesHour.field("responses")).isEqualTo(4);
        assertThat(cesHour.field("ces_mean")).isEqualTo(3.25);
    }

    private MetricPoint only(String measurement, String window, long end) {
        List<MetricPoint> found = harness.extractOutputValues().stream()
                .filter(p -> p.measurement.equals(measurement) && window.equals(p.tag("window")) && p.timestamp == end)
                .toList();
        assertThat(found).as(measurement + " " + window + " at " + end).hasSize(1);
        return found.get(0);
    }
}
