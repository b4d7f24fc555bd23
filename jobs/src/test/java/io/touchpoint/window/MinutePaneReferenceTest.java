package io.touchpoint.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.frt.FrtWindowFunction;
import io.touchpoint.frt.ReplyPartial;
import io.touchpoint.frt.ReplySample;
import io.touchpoint.frt.ReplySamples;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.survey.ScoreObservation;
import io.touchpoint.survey.ScorePane;
import io.touchpoint.survey.SurveyWindowFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sliding running sums of {@link MinutePaneFunction} against the definition: random traffic on a few keys, with
 * late elements within and beyond the allowed lateness, goes through the real function and through a reference
 * that, whenever a window fires or a late element reaches a fired window, sums every accepted element of that
 * window from scratch. Both must emit the same points in the same order per key and window, and leave no state and
 * no timer once the watermark has passed everything.
 */
class MinutePaneReferenceTest {

    private static final long MINUTE = Minutes.MINUTE;
    private static final long HOUR = 60 * MINUTE;
    private static final long T0 = 1_793_000_000_000L / HOUR * HOUR;
    private static final List<String> SERIES = List.of("nps\u001fchat", "csat\u001femail", "ces\u001fsms");
    private static final List<String> CHANNELS = List.of("chat", "email", "sms");

    /** One element of either kind: key, event time and a value (a score, or FRT seconds). */
    private record Element(String key, long at, int value) {}

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void surveyWindowsEqualTheReference(long seed) throws Exception {
        check(seed, new SurveyWindowFunction(HOUR), 60, SERIES,
                e -> new ScoreObservation(e.key, e.at, e.value % 11), o -> o.series,
                (key, window, end, in) -> {
                    ScorePane pane = new ScorePane();
                    in.forEach(e -> pane.add(e.value % 11));
                    return SurveyWindowFunction.point(key, window, end, pane);
                });
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void firstResponseWindowsEqualTheReference(long seed) throws Exception {
        check(seed, new FrtWindowFunction(HOUR), 15, CHANNELS, e -> {
            ReplySample s = new ReplySample();
            s.channel = e.key;
            s.stop = e.at;
            s.frtSeconds = e.value / 4.0;
            s.slaTargetSeconds = 60;
            s.withinSla = s.frtSeconds <= 60;
            return ReplyPartial.of(s);
        }, r -> r.channel, (key, window, end, in) -> {
            ReplySamples pane = new ReplySamples();
            in.forEach(e -> pane.add(e.value / 4.0, e.value / 4.0 <= 60, 60));
            return FrtWindowFunction.point(key, window, end, pane);
        });
    }

    private interface PointOf {
        MetricPoint of(String key, String window, long end, List<Element> elements);
    }

    private static <IN> void check(long seed, MinutePaneFunction<String, IN, ?> function, int rolling,
            List<String> keys,
            Function<Element, IN> input, org.apache.flink.api.java.functions.KeySelector<IN, String> keyOf,
            PointOf reference) throws Exception {
        String rollingName = rolling % 60 == 0 ? rolling / 60 + "h" : rolling + "m";
        KeyedOneInputStreamOperatorTestHarness<String, IN, MetricPoint> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), keyOf, Types.STRING);
        harness.open();
        Map<String, List<MetricPoint>> expected = new LinkedHashMap<>();
        List<Element> accepted = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        long watermark = Long.MIN_VALUE;
        long now = T0;
        // Six hours of traffic: busy and quiet stretches (so keys stop and restart), some elements up to 90 minutes
        // late (a third of those beyond the hour of allowed lateness), and watermark jumps of up to 20 minutes.
        for (int step = 0; step < 4_000; step++) {
            if (random.nextInt(10) == 0) {
                long next = now - 2 * MINUTE + random.nextLong(random.nextInt(8) == 0 ? 20 * MINUTE : 2 * MINUTE);
                if (next > watermark) {
                    fire(watermark, next, accepted, keys, rolling, rollingName, reference, expected);
                    watermark = next;
                    harness.processWatermark(watermark);
                }
                now += random.nextLong(90_000);
                continue;
            }
            String key = keys.get(random.nextInt(random.nextInt(20) == 0 ? 3 : 2));
            long at = random.nextInt(12) == 0 ? now - random.nextLong(90 * MINUTE) : now + random.nextLong(MINUTE);
            Element e = new Element(key, at, random.nextInt(1_000));
            harness.processElement(input.apply(e), at);
            if (Minutes.tooLate(at, watermark, HOUR)) {
                continue;
            }
            accepted.add(e);
            long end = Minutes.start(at) + MINUTE;
            if (watermark != Long.MIN_VALUE && end - 1 <= watermark) {
                long firstUnfired = Minutes.firstUnfiredEnd(watermark);
                expect(expected, reference.of(key, "1m", end, window(accepted, key, end - MINUTE, end)));
                for (long w = end; w < end + rolling * MINUTE && w < firstUnfired; w += MINUTE) {
                    expect(expected, reference.of(key, rollingName, w, window(accepted, key, w - rolling * MINUTE, w)));
                }
            }
        }
        long last = now + 4 * HOUR;
        fire(watermark, last, accepted, keys, rolling, rollingName, reference, expected);
        harness.processWatermark(last);

        Map<String, List<MetricPoint>> actual = new LinkedHashMap<>();
        harness.extractOutputValues().forEach(p -> expect(actual, p));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (String series : expected.keySet()) {
            assertThat(actual.get(series)).as(series).containsExactlyElementsOf(expected.get(series));
        }
        assertThat(expected.values().stream().mapToInt(List::size).sum()).isGreaterThan(1_000);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.close();
    }

    /** The windows that fire when the watermark moves from {@code from} to {@code to}, in order of their end. */
    private static void fire(long from, long to, List<Element> accepted, List<String> keys, int rolling,
            String rollingName,
            PointOf reference, Map<String, List<MetricPoint>> expected) {
        TreeSet<Long> minutes = new TreeSet<>();
        accepted.forEach(e -> minutes.add(Minutes.start(e.at)));
        if (minutes.isEmpty()) {
            return;
        }
        long firstEnd = from == Long.MIN_VALUE ? minutes.first() + MINUTE : Minutes.firstUnfiredEnd(from);
        for (long end = firstEnd; end - 1 <= to; end += MINUTE) {
            for (String key : keys) {
                List<Element> minute = window(accepted, key, end - MINUTE, end);
                if (!minute.isEmpty()) {
                    expect(expected, reference.of(key, "1m", end, minute));
                }
                List<Element> window = window(accepted, key, end - rolling * MINUTE, end);
                if (!window.isEmpty()) {
                    expect(expected, reference.of(key, rollingName, end, window));
                }
            }
        }
    }

    private static List<Element> window(List<Element> accepted, String key, long from, long to) {
        return accepted.stream().filter(e -> e.key.equals(key) && e.at >= from && e.at < to).toList();
    }

    private static void expect(Map<String, List<MetricPoint>> points, MetricPoint p) {
        points.computeIfAbsent(p.seriesKey() + "@" + p.timestamp, k -> new ArrayList<>()).add(p);
    }
}
