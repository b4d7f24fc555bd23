package io.touchpoint.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.frt.FrtWindowFunction;
import io.touchpoint.frt.ReplyPartial;
import io.touchpoint.frt.ReplyPartials;
import io.touchpoint.frt.ReplySample;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.volume.VolumePartial;
import io.touchpoint.volume.VolumePartials;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The two pre-aggregation steps in front of the channel windows: what they send on, and that the windows stay exact. */
class PreAggregationTest {

    private static final long HOUR = 3_600_000L;

    private static long t(String time) {
        return Instant.parse("2026-11-20T" + time + "Z").toEpochMilli();
    }

    private static Interaction event(Channel channel, InteractionType type, String at) {
        Interaction i = new Interaction();
        i.channel = channel;
        i.type = type;
        i.occurredAt = t(at);
        i.conversationId = "c";
        return i;
    }

    private static ReplySample sample(String channel, double seconds, long stop) {
        ReplySample s = new ReplySample();
        s.channel = channel;
        s.conversationId = "c" + stop;
        s.stop = stop;
        s.start = stop - (long) (seconds * 1000);
        s.frtSeconds = seconds;
        s.slaTargetSeconds = 120;
        s.withinSla = seconds <= 120;
        return s;
    }

    private static String describe(VolumePartial p) {
        return p.channel + "@" + Instant.ofEpochMilli(p.minute).toString().substring(11, 16) + " " + p.counts.events
                + "/" + p.counts.customerMessages;
    }

    private static String describe(ReplyPartial p) {
        return (p.retracted ? "-" : "") + p.channel + "@" + Instant.ofEpochMilli(p.minute).toString().substring(11, 16)
                + " " + Arrays.toString(Arrays.copyOf(p.samples.seconds, p.samples.count)) + " " + p.samples.withinSla;
    }

    @Test
    void aSubtaskSendsOnePartialPerChannelAndMinuteWhenTheWatermarkPassesItLateEventsAtOnceAndAllBeforeABarrier()
            throws Exception {
        try (OneInputStreamOperatorTestHarness<Interaction, VolumePartial> pre =
                new OneInputStreamOperatorTestHarness<>(new MinutePreAggregator<>(new VolumePartials()))) {
            pre.open();
            pre.processElement(event(Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "10:00:10"), 0);
            pre.processElement(event(Channel.CHAT, InteractionType.AGENT_MESSAGE, "10:00:50"), 0);
            pre.processElement(event(Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "10:00:30"), 0);
            pre.processElement(event(Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "10:01:05"), 0);
            assertThat(pre.extractOutputValues()).isEmpty();

            pre.processWatermark(t("10:00:59.999"));
            assertThat(pre.extractOutputValues()).extracting(PreAggregationTest::describe)
                    .containsExactlyInAnyOrder("chat@10:00 2/1", "email@10:00 1/1");
            pre.getOutput().clear();

            pre.processElement(event(Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "10:00:40"), 0); // late here
            assertThat(pre.extractOutputValues()).extracting(PreAggregationTest::describe)
                    .containsExactly("chat@10:00 1/1");
            pre.getOutput().clear();

            pre.prepareSnapshotPreBarrier(1); // nothing is kept in a checkpoint: 10:01 goes on before the barrier
            assertThat(pre.extractOutputValues()).extracting(PreAggregationTest::describe)
                    .containsExactly("chat@10:01 1/1");
            pre.getOutput().clear();
            pre.processWatermark(t("10:01:59.999"));
            assertThat(pre.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aRetractionTakesItsSampleBackWhereItIsHeldElseFollowsIt() throws Exception {
        try (OneInputStreamOperatorTestHarness<ReplySample, ReplyPartial> pre =
                new OneInputStreamOperatorTestHarness<>(new MinutePreAggregator<>(new ReplyPartials()))) {
            pre.open();
            ReplySample thirty = sample("chat", 30, t("10:00:20"));
            pre.processElement(sample("chat", 90, t("10:00:40")), 0);
            pre.processElement(thirty, 0);
            pre.processElement(sample("chat", 150, t("10:00:45")), 0);
            pre.processElement(thirty.retraction(), 0);
            ReplySample later = sample("chat", 45, t("10:01:10"));
            pre.processElement(later, 0);
            pre.prepareSnapshotPreBarrier(1);
            pre.processElement(later.retraction(), 0);
            pre.processWatermark(t("10:01:59.999"));
            // sorted partials; the 45 s sample had gone on before the barrier, so its retraction follows it
            assertThat(pre.extractOutputValues()).extracting(PreAggregationTest::describe).containsExactly(
                    "chat@10:00 [90.0, 150.0] 1", "chat@10:01 [45.0] 1", "-chat@10:01 [45.0] 1");
        }
    }

    @Test
    void theMinuteStepAddsUpTheSubtasksPartialsAndPassesLateOnesOn() throws Exception {
        ReplyPartials panes = new ReplyPartials();
        try (KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, ReplyPartial> merge =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MinutePartialMerge<>(panes)),
                        MinutePartialMerge.byChannelAndMinute(), Types.STRING)) {
            merge.open();
            ReplyPartial a = ReplyPartial.of(sample("chat", 50, t("10:00:05")));
            a.samples.add(sample("chat", 20, t("10:00:30")));
            merge.processElement(a, 0);
            merge.processElement(ReplyPartial.of(sample("chat", 30, t("10:00:50"))), 0);
            merge.processElement(ReplyPartial.of(sample("chat", 130, t("10:00:51"))), 0);
            merge.processElement(ReplyPartial.of(sample("chat", 130, t("10:00:51")).retraction()), 0);
            merge.processElement(ReplyPartial.of(sample("email", 200, t("10:00:59"))), 0);
            assertThat(merge.extractOutputValues()).isEmpty();
            merge.processWatermark(t("10:00:59.999"));
            assertThat(merge.extractOutputValues()).extracting(PreAggregationTest::describe)
                    .containsExactlyInAnyOrder("chat@10:00 [20.0, 30.0, 50.0] 3", "email@10:00 [200.0] 0");
            merge.getOutput().clear();
            merge.processElement(ReplyPartial.of(sample("chat", 40, t("10:00:10"))), 0);
            assertThat(merge.extractOutputValues()).extracting(PreAggregationTest::describe)
                    .containsExactly("chat@10:00 [40.0] 1");
        }
    }

    /**
     * Random replies, some late, some retracted, over two upstream subtasks (by conversation, as the reply clocks
     * are keyed) with checkpoint barriers at random: the windows fed through both steps keep exactly the points of
     * the windows fed every sample.
     */
    @Test
    void windowsOfPreAggregatedSamplesEqualWindowsOfEverySample() throws Exception {
        ReplyPartials panes = new ReplyPartials();
        List<OneInputStreamOperatorTestHarness<ReplySample, ReplyPartial>> pre = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            pre.add(new OneInputStreamOperatorTestHarness<>(new MinutePreAggregator<>(panes)));
            pre.get(i).open();
        }
        KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, ReplyPartial> merge =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MinutePartialMerge<>(panes)),
                        MinutePartialMerge.byChannelAndMinute(), Types.STRING);
        merge.open();
        KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, MetricPoint> merged = windows();
        KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, MetricPoint> direct = windows();

        SplittableRandom random = new SplittableRandom(7);
        List<ReplySample> sent = new ArrayList<>();
        long now = t("08:00:00");
        long watermark = Long.MIN_VALUE;
        for (int step = 0; step < 3_000; step++) {
            int dice = random.nextInt(20);
            if (dice == 0 && now - 5_000 > watermark) {
                watermark = now - 5_000;
                for (var p : pre) {
                    p.processWatermark(watermark);
                }
                drain(pre, merge);
                merge.processWatermark(watermark);
                drainTo(merge, merged);
                merged.processWatermark(watermark);
                direct.processWatermark(watermark);
            } else if (dice == 1) {
                pre.get(random.nextInt(2)).prepareSnapshotPreBarrier(step);
            } else {
                ReplySample s;
                if (dice == 2 && !sent.isEmpty()) {
                    ReplySample earlier = sent.remove(random.nextInt(sent.size()));
                    if (earlier.stop < watermark - 50 * 60_000L) {
                        continue;
                    }
                    s = earlier.retraction();
                } else {
                    long stop = dice == 3 ? now - random.nextLong(50 * 60_000L) : now + random.nextLong(20_000);
                    s = sample(random.nextBoolean() ? "chat" : random.nextBoolean() ? "email" : "sms",
                            1 + random.nextInt(300), stop);
                    s.conversationId = "c" + random.nextInt(40);
                    sent.add(s);
                }
                pre.get(Math.floorMod(s.conversationId.hashCode(), 2)).processElement(s, s.stop);
                direct.processElement(ReplyPartial.of(s), s.stop);
            }
            now += random.nextLong(4_000);
        }
        for (var p : pre) {
            p.processWatermark(Long.MAX_VALUE);
        }
        drain(pre, merge);
        merge.processWatermark(Long.MAX_VALUE);
        drainTo(merge, merged);
        merged.processWatermark(Long.MAX_VALUE);
        direct.processWatermark(Long.MAX_VALUE);

        Map<String, String> kept = kept(direct);
        assertThat(kept).hasSizeGreaterThan(500);
        assertThat(kept(merged)).isEqualTo(kept);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, MetricPoint> windows()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FrtWindowFunction(HOUR)),
                (ReplyPartial p) -> p.channel, Types.STRING);
        h.open();
        return h;
    }

    private static void drain(List<OneInputStreamOperatorTestHarness<ReplySample, ReplyPartial>> from,
            KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, ReplyPartial> to) throws Exception {
        for (var p : from) {
            for (ReplyPartial partial : p.extractOutputValues()) {
                to.processElement(partial, partial.minute);
            }
            p.getOutput().clear();
        }
    }

    private static void drainTo(KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, ReplyPartial> from,
            KeyedOneInputStreamOperatorTestHarness<String, ReplyPartial, MetricPoint> to) throws Exception {
        for (ReplyPartial partial : from.extractOutputValues()) {
            to.processElement(partial, partial.minute);
        }
        from.getOutput().clear();
    }

    /** What InfluxDB keeps: the last point written per series and timestamp. */
    private static Map<String, String> kept(KeyedOneInputStreamOperatorTestHarness<String, ?, MetricPoint> h) {
        Map<String, String> kept = new TreeMap<>();
        for (MetricPoint p : h.extractOutputValues()) {
            kept.put(p.tag("channel") + " " + p.tag("window") + " " + p.timestamp, p.toString());
        }
        return kept;
    }
}
