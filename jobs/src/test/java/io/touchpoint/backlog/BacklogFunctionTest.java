package io.touchpoint.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.influx.MetricPoint;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BacklogFunctionTest {

    private KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new BacklogFunction(io.touchpoint.frt.FrtSettings.defaults(), 3_600_000L), c -> c.channel, Types.STRING, io.touchpoint.window.MinuteGaugeFunction.HORIZON);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** Replaces the live harness by one of a bounded run, which writes each boundary once it is final. */
    private void bounded() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new BacklogFunction(io.touchpoint.frt.FrtSettings.defaults(), 3_600_000L, true), c -> c.channel,
                Types.STRING, io.touchpoint.window.MinuteGaugeFunction.HORIZON);
    }

    /** In the job the broadcast side carries the ingest watermarks too; both inputs advance together. */
    private void watermark(long at) throws Exception {
        harness.processBroadcastWatermark(at);
        harness.processWatermark(at);
    }

    private static long t(String time) {
        return Instant.parse("2026-11-02T" + time + "Z").toEpochMilli();
    }

    private void change(ClockChange c) throws Exception {
        harness.processElement(c, c.at);
    }

    private static String row(MetricPoint p) {
        return Instant.ofEpochMilli(p.timestamp).toString().substring(11, 16) + " awaiting="
                + (long) p.field("awaiting_first_reply") + " oldest=" + p.field("oldest_wait_s") + " over="
                + (long) p.field("over_sla") + " abandoned=" + (long) p.field("abandoned") + " expired="
                + (long) p.field("expired");
    }

    @Test
    void gaugesAtEveryMinuteBoundaryUntilTheChannelEmpties() throws Exception {
        change(ClockChange.started("chat", "c1", t("10:00:10"), t("10:02:10")));
        change(ClockChange.started("chat", "c2", t("10:00:40"), t("10:02:40")));
        change(ClockChange.of("chat", "c1", ClockChange.Kind.REPLIED, t("10:01:00"))); // on the boundary: next minute
        change(ClockChange.of("chat", "c2", ClockChange.Kind.ABANDONED, t("10:03:30")));
        watermark(t("10:09:00"));

        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:01 awaiting=2 oldest=50.0 over=0 abandoned=0 expired=0",
                "10:02 awaiting=1 oldest=80.0 over=0 abandoned=0 expired=0",
                "10:03 awaiting=1 oldest=140.0 over=1 abandoned=0 expired=0",
                "10:04 awaiting=0 oldest=0.0 over=0 abandoned=1 expired=0");
        assertThat(harness.extractOutputValues()).allSatisfy(p -> assertThat(p.tag("channel")).isEqualTo("chat"));
        // the chat SLA target rides along, so alerts can compare the wait with it
        assertThat(harness.extractOutputValues()).allSatisfy(p -> assertThat(p.field("sla_target_s")).isEqualTo(120.0));
    }

    @Test
    void whileNobodyAnswersTheOldestWaitKeepsGrowingWithTheWatermark() throws Exception {
        change(ClockChange.started("email", "e1", t("10:00:30"), t("14:00:30")));
        watermark(t("10:05:00"));
        List<MetricPoint> points = harness.extractOutputValues();
        assertThat(points).extracting(p -> p.field("oldest_wait_s")).containsExactly(30.0, 90.0, 150.0, 210.0, 270.0);
        assertThat(points).extracting(p -> p.field("awaiting_first_reply")).containsOnly(1.0);
    }

    @Test
    void aBoundedRunStopsAtTheMinuteOfTheLastEvent() throws Exception {
        change(ClockChange.started("sms", "s1", t("10:10:05"), t("10:25:05")));
        harness.processBroadcastElement(t("10:12:30"), Long.MIN_VALUE);
        watermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:11 awaiting=1 oldest=55.0 over=0 abandoned=0 expired=0",
                "10:12 awaiting=1 oldest=115.0 over=0 abandoned=0 expired=0",
                "10:13 awaiting=1 oldest=175.0 over=0 abandoned=0 expired=0");
    }

    @Test
    void expiredCyclesAreCountedInTheirMinute() throws Exception {
        change(ClockChange.started("web", "w1", t("10:00:00"), t("14:00:00")));
        change(ClockChange.of("web", "w1", ClockChange.Kind.EXPIRED, t("10:01:59.999")));
        watermark(t("10:05:00"));
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:01 awaiting=1 oldest=60.0 over=0 abandoned=0 expired=0",
                "10:02 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=1");
    }

    /** A chat customer waiting from 10:00:10 until a reply at 10:05, the watermark at 10:07; returns the reply. */
    private ClockChange waitingUntilAReplyAt1005() throws Exception {
        ClockChange started = ClockChange.started("chat", "c1", t("10:00:10"), t("10:02:10"));
        ClockChange replied = ClockChange.of("chat", "c1", ClockChange.Kind.REPLIED, t("10:05:00"), started.at,
                started.slaDeadline);
        change(started);
        change(replied);
        watermark(t("10:07:00"));
        return replied;
    }

    /** The rebuilt clock: the reply at 10:05 no longer holds, an earlier one at 10:01:30 does; watermark 10:10. */
    private void replyMovedTo1001(ClockChange replied) throws Exception {
        change(replied.retraction());
        change(ClockChange.of("chat", "c1", ClockChange.Kind.REPLIED, t("10:01:30"), replied.start,
                replied.slaDeadline));
        watermark(t("10:10:00"));
    }

    @Test
    void aRetractedReplyAndItsEarlierCorrectionRewriteTheMinutesFromTheirsOn() throws Exception {
        ClockChange replied = waitingUntilAReplyAt1005();
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:01 awaiting=1 oldest=50.0 over=0 abandoned=0 expired=0",
                "10:02 awaiting=1 oldest=110.0 over=0 abandoned=0 expired=0",
                "10:03 awaiting=1 oldest=170.0 over=1 abandoned=0 expired=0",
                "10:04 awaiting=1 oldest=230.0 over=1 abandoned=0 expired=0",
                "10:05 awaiting=1 oldest=290.0 over=1 abandoned=0 expired=0",
                "10:06 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0");
        harness.getOutput().clear();

        // the rebuilt clock: the reply at 10:05 no longer holds, an earlier one at 10:01:30 does
        replyMovedTo1001(replied);
        // the retraction alone: still waiting at 10:06 and 10:07; then the earlier reply rewrites from 10:02 on,
        // every boundary written before again (zeros), and nothing after
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:06 awaiting=1 oldest=350.0 over=1 abandoned=0 expired=0",
                "10:07 awaiting=1 oldest=410.0 over=1 abandoned=0 expired=0",
                "10:02 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0",
                "10:03 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0",
                "10:04 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0",
                "10:05 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0",
                "10:06 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0",
                "10:07 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0");
    }

    @Test
    void aBoundedRunWritesEachBoundaryOnceWhenFinalAndNeverTheValueALateChangeTookBack() throws Exception {
        bounded();
        ClockChange replied = waitingUntilAReplyAt1005();
        assertThat(harness.extractOutputValues()).isEmpty();

        // as above: the rebuilt clock replaces the reply at 10:05 by one at 10:01:30, before anything is written
        replyMovedTo1001(replied);
        assertThat(harness.extractOutputValues()).isEmpty();

        // 10:01 is final once the watermark is an hour past it, 10:02 (the channel's one zero point) a minute later
        watermark(t("11:00:59.999"));
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:01 awaiting=1 oldest=50.0 over=0 abandoned=0 expired=0");
        harness.processBroadcastElement(t("10:30:00"), Long.MIN_VALUE);
        watermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:01 awaiting=1 oldest=50.0 over=0 abandoned=0 expired=0",
                "10:02 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0");
    }

    @Test
    void aBoundedRunWritesWhatItHoldsAtTheEndOfInput() throws Exception {
        bounded();
        change(ClockChange.started("sms", "s1", t("10:10:05"), t("10:25:05")));
        harness.processBroadcastElement(t("10:12:30"), Long.MIN_VALUE);
        watermark(t("10:12:00"));
        assertThat(harness.extractOutputValues()).isEmpty();
        watermark(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row).containsExactly(
                "10:11 awaiting=1 oldest=55.0 over=0 abandoned=0 expired=0",
                "10:12 awaiting=1 oldest=115.0 over=0 abandoned=0 expired=0",
                "10:13 awaiting=1 oldest=175.0 over=0 abandoned=0 expired=0");
    }

    /** The boundaries the gauge keeps in one of its per-boundary maps, for the current key. */
    private List<Long> kept(String channel, String map) throws Exception {
        org.apache.flink.api.common.typeinfo.TypeInformation<?> values = map.equals("written") ? Types.BOOLEAN
                : Types.LIST(org.apache.flink.api.common.typeinfo.TypeInformation.of(ClockChange.class));
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(channel);
        var state = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                new org.apache.flink.api.common.state.MapStateDescriptor<>(map, Types.LONG, values));
        List<Long> boundaries = new java.util.ArrayList<>();
        state.keys().forEach(boundaries::add);
        boundaries.sort(null);
        return boundaries;
    }

    @Test
    void whatALateChangeCouldStillReachIsKeptAndNothingOlderAlsoAfterAQuietGap() throws Exception {
        change(ClockChange.started("chat", "c1", t("10:00:10"), t("10:02:10")));
        for (int m = 1; m <= 30; m++) {
            watermark(t(String.format("10:%02d:00", m)));
        }
        // a reply five minutes in, arriving late: every boundary from 10:06 to 10:30 is written again
        change(ClockChange.of("chat", "c1", ClockChange.Kind.REPLIED, t("10:05:00")));
        assertThat(kept("chat", "written")).hasSize(30).startsWith(t("10:01:00")).endsWith(t("10:30:00"));
        assertThat(kept("chat", "applied")).containsExactly(t("10:01:00"), t("10:06:00"));
        watermark(t("11:03:30"));
        // nothing fires while the channel is empty; at 11:05 the boundaries up to 10:05 are final (an hour late at
        // most): from 10:06 on they are kept
        change(ClockChange.started("chat", "c2", t("11:04:00"), t("11:06:00")));
        watermark(t("11:05:00"));
        assertThat(kept("chat", "written")).startsWith(t("10:06:00")).doesNotContain(t("10:05:00"))
                .endsWith(t("10:30:00"), t("11:05:00"));
        assertThat(kept("chat", "applied")).containsExactly(t("10:06:00"), t("11:05:00"));
        // four quiet hours (c2 waits on), then the same again: all that is an hour old is gone
        change(ClockChange.of("chat", "c2", ClockChange.Kind.REPLIED, t("15:10:00")));
        watermark(t("15:12:00"));
        assertThat(kept("chat", "applied")).allSatisfy(b -> assertThat(b).isGreaterThan(t("14:11:00")));
        assertThat(kept("chat", "written")).allSatisfy(b -> assertThat(b).isGreaterThan(t("14:11:00")))
                .endsWith(t("15:11:00"));
        assertThat(harness.extractOutputValues()).extracting(BacklogFunctionTest::row)
                .contains("15:11 awaiting=0 oldest=0.0 over=0 abandoned=0 expired=0");
    }
}
