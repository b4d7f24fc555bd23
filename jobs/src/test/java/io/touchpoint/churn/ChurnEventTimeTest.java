package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinuteGaugeFunction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two cases of issue 12, each in the order that went wrong: churn per customer and the churn_risk gauges wired as
 * in the job (level changes to deltas to the gauge of each channel), with the watermark moved by hand.
 */
class ChurnEventTimeTest {

    private static final long HOUR = 3_600_000L;

    private ChurnHarness churn;
    private KeyedBroadcastOperatorTestHarness<String, ChurnDelta, Long, MetricPoint> gauges;
    private int forwarded;

    private void open(boolean holdSignals) throws Exception {
        churn = new ChurnHarness(new ChurnOperator(ChurnPoints.defaults(), HOUR, holdSignals));
        gauges = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new ChurnGaugeFunction(HOUR),
                d -> d.channel, Types.STRING, MinuteGaugeFunction.HORIZON);
    }

    @AfterEach
    void close() throws Exception {
        churn.close();
        gauges.close();
    }

    private static long t(String instant) {
        return Instant.parse("2026-" + instant + "Z").toEpochMilli();
    }

    private void input(String customer, ChurnPoints.Signal signal, String at, String channel) throws Exception {
        churn.processElement(new ChurnInput(signal, customer, t(at), channel, "billing"), t(at));
        forward();
    }

    /** As in the job: the churn operator's watermark reaches the gauges after the changes it fired. */
    private void watermark(String at) throws Exception {
        churn.processBroadcastWatermark(t(at));
        churn.processWatermark(t(at));
        forward();
        gauges.processBroadcastWatermark(t(at));
        gauges.processWatermark(t(at));
    }

    private void forward() throws Exception {
        List<LevelChange> changes = churn.extractOutputValues();
        for (LevelChange c : changes.subList(forwarded, changes.size())) {
            List<ChurnDelta> deltas = new ArrayList<>();
            ChurnDelta.of(c, deltas::add);
            for (ChurnDelta d : deltas) {
                gauges.processElement(new StreamRecord<>(d, d.at));
            }
        }
        forwarded = changes.size();
    }

    private List<String> signals() {
        if (churn.getSideOutput(ChurnOperator.SIGNALS) == null) {
            return List.of();
        }
        return churn.getSideOutput(ChurnOperator.SIGNALS).stream().map(r -> {
            LevelChange c = r.getValue();
            return c.previousLevel + ">" + c.level + "@" + Instant.ofEpochMilli(c.at).toString().substring(5, 16)
                    + "/" + c.channel;
        }).toList();
    }

    /** The points of a channel as InfluxDB holds them: the last one written at each timestamp. */
    private List<String> series(String channel) {
        Map<Long, MetricPoint> last = new TreeMap<>();
        for (MetricPoint p : gauges.extractOutputValues()) {
            if (p.tag("channel").equals(channel)) {
                last.put(p.timestamp, p);
            }
        }
        return last.values().stream().map(p -> Instant.ofEpochMilli(p.timestamp).toString().substring(5, 16)
                + " new_medium=" + (long) p.field("new_medium_risk") + " medium="
                + (long) p.field("medium_risk_customers")).toList();
    }

    @Test
    void theNinetyDayDropHappensAtItsInstantEvenWhenTheNextEventIsAlreadyWaiting() throws Exception {
        open(false);
        input("cust-1", ChurnPoints.Signal.NPS_DETRACTOR_LOW, "08-26T10:00:00", "other"); // NPS 0: 40 points
        input("cust-2", ChurnPoints.Signal.NPS_DETRACTOR, "08-26T10:00:30", "phone");   // someone else: LOW
        watermark("08-26T10:03:00");
        // the customer's next answer (NPS 5) arrives before the watermark reaches the drop instant, 11-24T10:00
        input("cust-1", ChurnPoints.Signal.NPS_DETRACTOR, "11-25T10:01:00", "phone");
        input("cust-3", ChurnPoints.Signal.NPS_DETRACTOR, "11-24T09:58:00", "phone");
        watermark("11-25T10:03:00");

        // the drop at 90 days after the last event (10:00:00, counted in the minute from 10:00): 0 at the 10:01 point;
        // one point a minute while the customer counts, 90 days of them, and the zero point
        List<String> other = series("other");
        assertThat(other).hasSize(90 * 1440 + 1);
        assertThat(other.subList(0, 2)).containsExactly(
                "08-26T10:01 new_medium=1 medium=1",
                "08-26T10:02 new_medium=0 medium=1");
        assertThat(other.subList(other.size() - 2, other.size())).containsExactly(
                "11-24T10:00 new_medium=0 medium=1",
                "11-24T10:01 new_medium=0 medium=0");
        assertThat(signals()).containsExactly("LOW>MEDIUM@08-26T10:00/other", "MEDIUM>LOW@11-24T10:00/other");
        // 40 * 2^(-91/14) + 30 = 30.44: the returning customer starts afresh at 30, LOW, no change
        assertThat(series("phone")).isEmpty();
    }

    private void lateEventsScenario(boolean late) throws Exception {
        input("cust-9", ChurnPoints.Signal.NPS_DETRACTOR, "11-02T11:49:30", "phone"); // other traffic, LOW
        if (!late) {
            input("cust-1", ChurnPoints.Signal.NPS_PROMOTER, "11-02T11:50:00", "web"); // NPS 10: -20
        }
        input("cust-1", ChurnPoints.Signal.NPS_DETRACTOR_LOW, "11-02T11:51:00", "web"); // NPS 2: +40
        input("cust-9", ChurnPoints.Signal.NPS_PROMOTER, "11-02T11:56:00", "phone");
        watermark("11-02T11:55:50");
        if (late) {
            // after events of 11:56, with the watermark past 11:50: late, within the allowed lateness
            input("cust-1", ChurnPoints.Signal.NPS_PROMOTER, "11-02T11:50:00", "web");
        }
        watermark("11-02T12:30:00");
    }

    @Test
    void aLateEventReEvaluatesTheCustomerRewritesThePointsAndCorrectsTheSignal() throws Exception {
        open(false);
        lateEventsScenario(true);
        // -20 at 11:50, then 40 - 20 * 2^(-1 min / 14 d) = 20.0 at 11:51: LOW throughout; the points written at
        // 11:52-11:55 with the customer at MEDIUM are written again with the right values
        assertThat(series("web")).containsExactly(
                "11-02T11:52 new_medium=0 medium=0",
                "11-02T11:53 new_medium=0 medium=0",
                "11-02T11:54 new_medium=0 medium=0",
                "11-02T11:55 new_medium=0 medium=0");
        // the signal already sent is corrected by a new one back to the right level
        assertThat(signals()).containsExactly("LOW>MEDIUM@11-02T11:51/web", "MEDIUM>LOW@11-02T11:51/web");
        LevelChange correction = churn.getSideOutput(ChurnOperator.SIGNALS).stream().toList().get(1).getValue();
        assertThat(correction.score).isEqualTo(40 - 20 * Math.pow(2, -60_000.0 / (14 * 24 * HOUR)));
        assertThat(correction.reasonSignals).containsExactly("nps_detractor_low", "nps_promoter");
    }

    @Test
    void aLateEventThatRaisesTheLevelIsSentAndItsMinuteWrittenAgain() throws Exception {
        open(false);
        input("cust-9", ChurnPoints.Signal.CANCELLATION_REQUEST, "11-02T11:49:30", "phone"); // MEDIUM on phone
        watermark("11-02T11:55:50");
        // a cancellation at 11:50 on web, an hour late at most: MEDIUM from 11:50, a plain (not corrective) signal
        input("cust-1", ChurnPoints.Signal.CANCELLATION_REQUEST, "11-02T11:50:00", "web");
        assertThat(signals()).containsExactly("LOW>MEDIUM@11-02T11:49/phone", "LOW>MEDIUM@11-02T11:50/web");
        assertThat(series("web")).containsExactly(
                "11-02T11:51 new_medium=1 medium=1",
                "11-02T11:52 new_medium=0 medium=1",
                "11-02T11:53 new_medium=0 medium=1",
                "11-02T11:54 new_medium=0 medium=1",
                "11-02T11:55 new_medium=0 medium=1");
        // and from there the gauge goes on minute by minute
        watermark("11-02T11:56:30");
        assertThat(series("web")).hasSize(6).last().isEqualTo("11-02T11:56 new_medium=0 medium=1");
    }

    @Test
    void inEventTimeOrderTheSameEventsChangeNothing() throws Exception {
        open(false);
        lateEventsScenario(false);
        assertThat(series("web")).isEmpty();
        assertThat(signals()).isEmpty();
    }

    @Test
    void aBoundedRunHoldsSignalsUntilFinalSoTheLateOrderSendsNone() throws Exception {
        open(true);
        lateEventsScenario(true);
        watermark("11-02T13:00:00");
        assertThat(signals()).isEmpty();
        assertThat(series("web")).extracting(s -> s.substring(s.indexOf(' ') + 1)).containsOnly("new_medium=0 medium=0");
    }

    @Test
    void aBoundedRunSendsEachFinalChangeOnceItCanNoLongerBeRevised() throws Exception {
        open(true);
        input("cust-1", ChurnPoints.Signal.CANCELLATION_REQUEST, "11-02T11:50:00", "web");
        watermark("11-02T12:00:00");
        assertThat(signals()).isEmpty();
        // an hour and a minute later an input at 11:50 would be too late: the change is final
        watermark("11-02T12:52:00");
        assertThat(signals()).containsExactly("LOW>MEDIUM@11-02T11:50/web");
    }

    @Test
    void atTheEndOfABoundedRunADropInsideTheDataIsReportedAndOneAfterItIsNot() throws Exception {
        open(true);
        input("cust-1", ChurnPoints.Signal.NPS_DETRACTOR_LOW, "08-26T10:00:00", "other");
        input("cust-2", ChurnPoints.Signal.CANCELLATION_REQUEST, "10-01T12:00:00", "phone");
        // the run's last event; the watermark then jumps straight to the end of time, firing every timer at once
        churn.processBroadcastElement(t("11-25T10:01:00"), Long.MIN_VALUE);
        gauges.processBroadcastElement(t("11-25T10:01:00"), Long.MIN_VALUE);
        churn.processBroadcastWatermark(Long.MAX_VALUE);
        churn.processWatermark(Long.MAX_VALUE);
        forward();
        // cust-1's drop (11-24T10:00) lies inside the data; cust-2's (12-30T12:00) after it: the state just goes
        assertThat(signals()).containsExactlyInAnyOrder("LOW>MEDIUM@08-26T10:00/other",
                "MEDIUM>LOW@11-24T10:00/other", "LOW>MEDIUM@10-01T12:00/phone");
    }
}
