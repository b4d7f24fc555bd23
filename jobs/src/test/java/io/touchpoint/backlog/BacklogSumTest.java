package io.touchpoint.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.frt.FrtSettings;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinuteGaugeFunction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The backlog kept per bucket of conversations and summed per channel equals the backlog kept per channel. */
class BacklogSumTest {

    private static final long MINUTE = 60_000L;
    private static final long LATENESS = 3_600_000L;

    private static long t(String time) {
        return Instant.parse("2026-11-02T" + time + "Z").toEpochMilli();
    }

    private record Delivery(ClockChange change, long arrives) {}

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theSumOfTheBucketsIsTheChannelsBacklog(boolean bounded) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> channels =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new BacklogFunction(FrtSettings.defaults(), LATENESS, bounded), c -> c.channel, Types.STRING,
                        MinuteGaugeFunction.HORIZON);
        KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> buckets =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new BacklogFunction(FrtSettings.defaults(), LATENESS, bounded), BacklogFunction::bucketKey,
                        Types.STRING, MinuteGaugeFunction.HORIZON);
        KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> sum =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                        new BacklogSum(LATENESS, bounded)), p -> p.tag("channel"), Types.STRING);
        sum.open();

        // cycles of 60 conversations on two channels over three hours; one change in ten arrives up to 30 min late,
        // the changes of a conversation in their order (as the reply clock sends them)
        SplittableRandom random = new SplittableRandom(bounded ? 11 : 12);
        List<Delivery> deliveries = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (int c = 0; c < 60; c++) {
            String channel = c % 3 == 0 ? "email" : "chat";
            long at = t("09:00:00") + random.nextLong(20 * MINUTE);
            long arrived = Long.MIN_VALUE;
            while (at < t("12:00:00")) {
                long deadline = at + (channel.equals("chat") ? 120_000 : 4 * 3_600_000L);
                ClockChange start = ClockChange.started(channel, "c" + c, at, deadline);
                long end = at + 1_000 + random.nextLong(random.nextInt(4) == 0 ? 40 * MINUTE : 4 * MINUTE);
                ClockChange.Kind kind = random.nextInt(5) == 0 ? ClockChange.Kind.ABANDONED : ClockChange.Kind.REPLIED;
                ClockChange stop = ClockChange.of(channel, "c" + c, kind, end, at, deadline);
                for (ClockChange change : List.of(start, stop)) {
                    long delay = random.nextInt(10) == 0 ? random.nextLong(30 * MINUTE) : random.nextLong(5_000);
                    arrived = Math.max(arrived + 1, change.at + delay);
                    deliveries.add(new Delivery(change, arrived));
                    last = Math.max(last, change.at);
                }
                at = end + random.nextLong(20 * MINUTE);
            }
        }
        deliveries.sort(Comparator.comparingLong(Delivery::arrives));
        long watermark = Long.MIN_VALUE;
        for (Delivery d : deliveries) {
            channels.processElement(d.change().copy(), d.change().at);
            buckets.processElement(d.change().copy(), d.change().at);
            drain(buckets, sum);
            if (d.arrives() - 10_000 > watermark + MINUTE / 2) {
                watermark = d.arrives() - 10_000;
                advance(watermark, channels, buckets, sum);
            }
        }
        for (var h : List.of(channels, buckets)) {
            h.processBroadcastElement(last, 0);
        }
        advance(Long.MAX_VALUE, channels, buckets, sum);

        Map<String, String> expected = kept(channels.extractOutputValues());
        assertThat(expected).hasSizeGreaterThan(150);
        Map<String, String> actual = kept(sum.extractOutputValues());
        Map<String, String> differences = new TreeMap<>();
        for (String key : new java.util.TreeSet<>(union(expected.keySet(), actual.keySet()))) {
            if (!java.util.Objects.equals(expected.get(key), actual.get(key))) {
                differences.put(key, expected.get(key) + " <> " + actual.get(key));
            }
        }
        assertThat(differences).isEmpty();
        if (bounded) {
            // each boundary once, as without buckets
            assertThat(sum.extractOutputValues()).hasSameSizeAs(channels.extractOutputValues());
        }
        channels.close();
        buckets.close();
        sum.close();
    }

    private static void advance(long watermark, KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> channels,
            KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> buckets,
            KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> sum) throws Exception {
        for (var h : List.of(channels, buckets)) {
            h.processBroadcastWatermark(watermark);
            h.processWatermark(watermark);
        }
        drain(buckets, sum);
        sum.processWatermark(watermark);
    }

    private static void drain(KeyedBroadcastOperatorTestHarness<String, ClockChange, Long, MetricPoint> from,
            KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> to) throws Exception {
        for (MetricPoint p : from.extractOutputValues()) {
            to.processElement(p, p.timestamp);
        }
        from.getOutput().clear();
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** What InfluxDB keeps: the last point written per series and timestamp. */
    private static Map<String, String> kept(List<MetricPoint> points) {
        Map<String, String> kept = new TreeMap<>();
        for (MetricPoint p : points) {
            kept.put(p.seriesKey() + " " + p.timestamp, p.toString());
        }
        return kept;
    }
}
