package io.touchpoint.churn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoint.avro.RiskLevel;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import io.touchpoint.window.MinuteGaugeFunction;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChurnOperatorTest {

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final long T0 = 1_793_000_000_000L;

    private ChurnHarness harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    /** The state backend the operator runs on: the harness's heap backend unless a subclass says otherwise. */
    StateBackend backend() {
        return null;
    }

    private ChurnHarness harness(OperatorSubtaskState restored) throws Exception {
        return new ChurnHarness(new ChurnOperator(ChurnPoints.defaults(), HOUR, false), restored, backend());
    }

    /** In the job the broadcast side carries the ingest watermarks too; both inputs advance together. */
    private void watermark(long at) throws Exception {
        harness.processBroadcastWatermark(at);
        harness.processWatermark(at);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void input(ChurnPoints.Signal signal, long at, String channel) throws Exception {
        harness.processElement(new ChurnInput(signal, "cust-1", at, channel, "billing"), at);
    }

    private int keyedStateEntries() {
        KeyedStateBackend<?> backend = harness.getOperator().getKeyedStateBackend();
        return backend instanceof RocksDBKeyedStateBackend<?> rocks ? rocks.numKeyValueStateEntries()
                : ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }

    private List<LevelChange> changes() {
        return harness.extractOutputValues();
    }

    @Test
    void crossesIntoHighAtTheRightEventWithTheReasonsStrongestFirst() throws Exception {
        input(ChurnPoints.Signal.NPS_DETRACTOR_LOW, T0, "email");
        input(ChurnPoints.Signal.ABANDONED, T0 + HOUR, "chat");
        input(ChurnPoints.Signal.SLA_BREACH, T0 + 2 * HOUR, "chat");
        input(ChurnPoints.Signal.SLA_BREACH, T0 + 3 * HOUR, "phone");
        watermark(T0 + 4 * HOUR);

        assertThat(changes()).extracting(c -> c.previousLevel + ">" + c.level + "@" + (c.at - T0) / HOUR + "h/" + c.channel)
                .containsExactly("LOW>MEDIUM@0h/email", "MEDIUM>HIGH@3h/phone");
        LevelChange high = changes().get(1);
        // 40 * 2^(-3/336) + 15 * 2^(-2/336) + 15 * 2^(-1/336) + 15 = 84.66
        assertThat(high.score).isCloseTo(84.6605, within(1e-4));
        assertThat(high.reasonSignals).containsExactly("nps_detractor_low", "sla_breach", "sla_breach", "abandoned");
        assertThat(high.reasonPoints[0]).isCloseTo(39.7532, within(1e-4));
        assertThat(high.previousChannel).isEqualTo("email");
        assertThat(high.customerId).isEqualTo("cust-1");
    }

    @Test
    void aPromoterBringsTheCustomerDownAndEmitsTheDownwardChange() throws Exception {
        input(ChurnPoints.Signal.CANCELLATION_REQUEST, T0, "phone");
        input(ChurnPoints.Signal.NPS_DETRACTOR_LOW, T0 + HOUR, "phone");
        input(ChurnPoints.Signal.NPS_PROMOTER, T0 + 2 * HOUR, "store");
        watermark(T0 + 3 * HOUR);
        assertThat(changes()).extracting(c -> c.previousLevel + ">" + c.level).containsExactly("LOW>MEDIUM",
                "MEDIUM>HIGH", "HIGH>MEDIUM");
        LevelChange down = changes().get(2);
        // 40 * 2^(-2/336) + 40 * 2^(-1/336) - 20 = 39.8353 + 39.9176 - 20 = 59.7529
        assertThat(down.score).isCloseTo(59.7529, within(1e-4));
        assertThat(down.channel).isEqualTo("store");
        // the detractor is an hour younger than the cancellation, so it has decayed less
        assertThat(down.reasonSignals).containsExactly("nps_detractor_low", "cancellation_request", "nps_promoter");
    }

    @Test
    void theThirdConversationWithinSevenDaysAddsPointsAndTheSecondDoesNot() throws Exception {
        // openings are inputs without a signal; only the third within 7 days becomes REPEAT_CONTACT (+15)
        input(null, T0, "chat");
        input(null, T0 + DAY, "chat");
        input(ChurnPoints.Signal.REOPEN, T0 + DAY + HOUR, "chat");       // 10
        input(ChurnPoints.Signal.CSAT_LOW, T0 + DAY + 2 * HOUR, "chat"); // 20: about 30 so far, still LOW
        watermark(T0 + DAY + 3 * HOUR);
        assertThat(changes()).isEmpty();
        input(null, T0 + 2 * DAY, "email"); // the third opening: 15 more crosses 40
        watermark(T0 + 2 * DAY + HOUR);
        assertThat(changes()).hasSize(1);
        assertThat(changes().get(0).level).isEqualTo(RiskLevel.MEDIUM);
        assertThat(changes().get(0).reasonSignals).containsExactly("csat_low", "repeat_contact", "reopen");
        // 10 * 2^(-(23/24)/14) + 20 * 2^(-(22/24)/14) + 15
        double expected = 10 * Math.pow(2, -(23.0 / 24) / 14) + 20 * Math.pow(2, -(22.0 / 24) / 14) + 15;
        assertThat(changes().get(0).score).isCloseTo(expected, within(1e-9));
    }

    @Test
    void aFourthOpeningEightDaysLaterIsNotARepeat() throws Exception {
        input(null, T0, "chat");
        input(null, T0 + DAY, "chat");
        input(null, T0 + 9 * DAY, "chat"); // the first one is out of the 7-day window: only two count
        input(ChurnPoints.Signal.CANCELLATION_REQUEST, T0 + 9 * DAY + 1, "chat");
        watermark(T0 + 10 * DAY);
        assertThat(changes()).hasSize(1);
        assertThat(changes().get(0).reasonSignals).containsExactly("cancellation_request");
    }

    @Test
    void decayLowersTheLevelAtTheCustomersNextEvent() throws Exception {
        input(ChurnPoints.Signal.CANCELLATION_REQUEST, T0, "sms");
        input(ChurnPoints.Signal.REOPEN, T0, "sms");
        // 5 days later: 50 * 2^(-5/14) + 5 = 44.04, still MEDIUM
        input(ChurnPoints.Signal.NEGATIVE_SENTIMENT, T0 + 5 * DAY, "sms");
        // 10 days: 50 * 2^(-10/14) + 5 * 2^(-5/14) + 5 = 39.38, LOW at this event
        input(ChurnPoints.Signal.NEGATIVE_SENTIMENT, T0 + 10 * DAY, "chat");
        watermark(T0 + 11 * DAY);
        assertThat(changes()).extracting(c -> c.previousLevel + ">" + c.level + "@" + (c.at - T0) / DAY + "d")
                .containsExactly("LOW>MEDIUM@0d", "MEDIUM>LOW@10d");
        double expected = 50 * Math.pow(2, -10.0 / 14) + 5 * Math.pow(2, -5.0 / 14) + 5;
        assertThat(changes().get(1).score).isCloseTo(expected, within(1e-9)).isCloseTo(39.38, within(0.01));
        assertThat(changes().get(1).channel).isEqualTo("chat");
        assertThat(changes().get(1).previousChannel).isEqualTo("sms");
    }

    @Test
    void aCustomerSilentFor90DaysIsDroppedAndLeavesTheGauges() throws Exception {
        input(ChurnPoints.Signal.CANCELLATION_REQUEST, T0, "phone");
        watermark(T0 + 91 * DAY);
        assertThat(changes()).extracting(c -> c.previousLevel + ">" + c.level + "@" + (c.at - T0) / DAY + "d")
                .containsExactly("LOW>MEDIUM@0d", "MEDIUM>LOW@90d");
        assertThat(keyedStateEntries()).isZero();
    }

    /** Changes and signals as comparable lines. */
    private static List<String> lines(ChurnHarness h) {
        List<String> lines = new java.util.ArrayList<>();
        h.extractOutputValues().forEach(c -> lines.add("change " + c.previousLevel + ">" + c.level + "@" + c.at
                + "/" + c.channel + (c.retracted ? " retracted" : "")));
        if (h.getSideOutput(ChurnOperator.SIGNALS) != null) {
            h.getSideOutput(ChurnOperator.SIGNALS).forEach(r -> lines.add("signal " + r.getValue().previousLevel
                    + ">" + r.getValue().level + "@" + r.getValue().at + "/" + r.getValue().channel));
        }
        return lines;
    }

    /** Inputs of two customers, the first applied and still open to late inputs, the rest waiting. */
    private static void beforeTheSnapshot(ChurnHarness h) throws Exception {
        h.processElement(new ChurnInput(ChurnPoints.Signal.CANCELLATION_REQUEST, "cust-1", T0, "web", "billing"), T0);
        h.processBroadcastWatermark(T0 + 60_000);
        h.processWatermark(T0 + 60_000);
        long later = T0 + 10 * 60_000;
        h.processElement(new ChurnInput(ChurnPoints.Signal.NPS_DETRACTOR_LOW, "cust-1", later, "web", "billing"),
                later);
        h.processElement(new ChurnInput(ChurnPoints.Signal.SLA_BREACH, "cust-2", later, "chat", "billing"), later);
    }

    /** A late input for the first customer, then time enough for settling and the 90-day drop. */
    private static void afterTheSnapshot(ChurnHarness h) throws Exception {
        h.processBroadcastWatermark(T0 + 20 * 60_000);
        h.processWatermark(T0 + 20 * 60_000);
        long late = T0 + 5 * 60_000;
        h.processElement(new ChurnInput(ChurnPoints.Signal.NPS_PROMOTER, "cust-1", late, "web", "billing"), late);
        for (long at : new long[] {T0 + 3 * HOUR, T0 + 91 * DAY}) {
            h.processBroadcastWatermark(at);
            h.processWatermark(at);
        }
    }

    @Test
    void aRestoredOperatorBringsItsCustomersUpToDateAsAnUninterruptedOneWould() throws Exception {
        List<String> uninterrupted;
        try (ChurnHarness whole = harness(null)) {
            beforeTheSnapshot(whole);
            afterTheSnapshot(whole);
            uninterrupted = lines(whole);
            assertThat(whole.pendingCustomers()).isZero();
        }

        beforeTheSnapshot(harness);
        assertThat(harness.pendingCustomers()).isEqualTo(2);
        var snapshot = harness.snapshot();
        List<String> before = lines(harness);
        harness.close();
        harness = harness(snapshot);
        assertThat(harness.pendingCustomers()).isEqualTo(2);
        afterTheSnapshot(harness);
        List<String> restored = new java.util.ArrayList<>(before);
        restored.addAll(lines(harness));

        assertThat(restored).containsExactlyInAnyOrderElementsOf(uninterrupted);
        assertThat(uninterrupted).contains("signal LOW>MEDIUM@" + T0 + "/web",
                "change MEDIUM>LOW@" + (T0 + 10 * 60_000 + 90 * DAY) + "/web");
        assertThat(harness.pendingCustomers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }
}
