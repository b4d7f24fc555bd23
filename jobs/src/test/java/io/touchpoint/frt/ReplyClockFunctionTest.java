package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.pipeline.PipelineCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyClockFunctionTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Interaction, Interaction> harness;
    private int ids;

    private void open(FrtSettings settings) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ReplyClockFunction("cx.interactions", Duration.ofDays(7).toMillis(),
                        settings)),
                i -> i.conversationId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static long t(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private Interaction event(String conversation, Channel channel, InteractionType type, String at) {
        return event("e" + (++ids), conversation, channel, type, at);
    }

    private static Interaction event(String id, String conversation, Channel channel, InteractionType type, String at) {
        Interaction i = new Interaction();
        i.eventId = id;
        i.conversationId = conversation;
        i.customerId = "cust-" + conversation;
        i.channel = channel;
        i.touchpoint = "billing";
        i.type = type;
        i.occurredAt = t(at);
        return i;
    }

    private void send(Interaction i) throws Exception {
        harness.processElement(i, i.occurredAt);
    }

    private <T> List<T> side(org.apache.flink.util.OutputTag<T> tag) {
        var records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void eventsArrivingOutOfOrderAreAppliedInEventTimeOrder() throws Exception {
        open(FrtSettings.defaults());
        // the agent's reply arrives before the customer's opening message it answers
        send(event("c1", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:01:35Z"));
        send(event("c1", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:00:05Z"));
        send(event("c1", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        harness.processWatermark(t("2026-11-20T10:05:00Z"));

        List<ReplySample> replies = side(ReplyClockFunction.REPLIES);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).frtSeconds).isEqualTo(95.0);
        assertThat(replies.get(0).withinSla).isTrue(); // chat target 120 s
        assertThat(replies.get(0).stop).isEqualTo(t("2026-11-20T10:01:35Z"));
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind)
                .containsExactly(CycleOutcome.Kind.REPLIED_WITHIN_SLA);
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES)).extracting(c -> c.kind)
                .containsExactly(ClockChange.Kind.STARTED, ClockChange.Kind.REPLIED);
        // every new event is forwarded as it arrives, for volume counts
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void duplicatesAreDroppedAndCounted() throws Exception {
        open(FrtSettings.defaults());
        send(event("x1", "c2", Channel.PHONE, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("x1", "c2", Channel.PHONE, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        assertThat(harness.extractOutputValues()).hasSize(1);
        List<PipelineCount> duplicates = side(ReplyClockFunction.DUPLICATES);
        assertThat(duplicates).hasSize(1);
        assertThat(duplicates.get(0).duplicates).isEqualTo(1);
        assertThat(duplicates.get(0).source).isEqualTo("cx.interactions");
    }

    @Test
    void aClockPassingItsSlaUnansweredIsReportedOnceThenTheLateReplyIsABreach() throws Exception {
        open(FrtSettings.defaults());
        send(event("c3", Channel.PHONE, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("c3", Channel.PHONE, InteractionType.AGENT_MESSAGE, "2026-11-20T10:03:00Z"));
        harness.processWatermark(t("2026-11-20T10:10:00Z"));
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind + "@" + Instant.ofEpochMilli(o.at))
                .containsExactly("PASSED_SLA_UNANSWERED@2026-11-20T10:01:00.001Z",
                        "REPLIED_AFTER_SLA@2026-11-20T10:03:00Z");
        assertThat(side(ReplyClockFunction.REPLIES).get(0).frtSeconds).isEqualTo(180.0);
        assertThat(side(ReplyClockFunction.OUTCOMES).get(0).customerId).isEqualTo("cust-c3");
    }

    @Test
    void aConversationSilentForSevenDaysExpiresAndStartsAfresh() throws Exception {
        open(FrtSettings.defaults());
        send(event("c4", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "2026-11-01T10:00:00Z"));
        harness.processWatermark(t("2026-11-08T10:00:00Z"));
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES)).extracting(c -> c.kind + "@" + Instant.ofEpochMilli(c.at))
                .containsExactly("STARTED@2026-11-01T10:00:00Z", "EXPIRED@2026-11-08T10:00:00Z");
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind).containsExactly(
                CycleOutcome.Kind.PASSED_SLA_UNANSWERED, CycleOutcome.Kind.EXPIRED);
        // the same event id again is no longer a duplicate: the conversation was forgotten
        send(event("e1", "c4", Channel.EMAIL, InteractionType.AGENT_MESSAGE, "2026-11-09T10:00:00Z"));
        harness.processWatermark(t("2026-11-09T11:00:00Z"));
        assertThat(side(ReplyClockFunction.REPLIES)).isEmpty();
        assertThat(side(ReplyClockFunction.DUPLICATES)).isEmpty();
    }

    @Test
    void anEmailOverTheWeekendCountsOnlyBusinessHours() throws Exception {
        open(FrtSettings.of(SlaTargets.defaults(),
                Map.of(Channel.EMAIL, BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00")),
                FrtSettings.DEFAULT_LIFETIME_MILLIS));
        // Friday 17:50 Berlin (16:50Z) -> Monday 09:10 Berlin (08:10Z): 20 minutes of open time
        send(event("c5", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T16:50:00Z"));
        send(event("c5", Channel.EMAIL, InteractionType.AGENT_MESSAGE, "2026-11-23T08:10:00Z"));
        harness.processWatermark(t("2026-11-23T12:00:00Z"));
        ReplySample sample = side(ReplyClockFunction.REPLIES).get(0);
        assertThat(sample.frtSeconds).isEqualTo(1200.0);
        assertThat(sample.withinSla).isTrue();
        // the 4 h target under business hours ends Monday 12:50 Berlin: the clock had stopped before
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES).get(0).slaDeadline).isEqualTo(t("2026-11-23T11:50:00Z"));
    }

    @Test
    void timersReportTheSlaPassingAndTheExpiryThenDropTheState() throws Exception {
        open(FrtSettings.defaults());
        long start = t("2026-11-20T10:00:00Z");
        send(event("x9", "c6", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:00Z"));
        harness.processWatermark(start + 120_000);
        assertThat(side(ReplyClockFunction.OUTCOMES)).isEmpty();

        harness.processWatermark(start + 120_001);
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind + "@" + (o.at - start))
                .containsExactly("PASSED_SLA_UNANSWERED@120001");
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES).get(0).slaDeadline).isEqualTo(start + 120_000);

        long week = Duration.ofDays(7).toMillis();
        harness.processWatermark(start + week);
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind + "@" + (o.at - start))
                .containsExactly("PASSED_SLA_UNANSWERED@120001", "EXPIRED@" + week);
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES)).extracting(c -> c.kind + " " + c.channel + "/"
                + c.conversationId).containsExactly("STARTED chat/c6", "EXPIRED chat/c6");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aDuplicateWaitingForTheWatermarkIsDroppedOnArrival() throws Exception {
        open(FrtSettings.defaults());
        send(event("y1", "c7", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("y1", "c7", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(side(ReplyClockFunction.DUPLICATES)).hasSize(1);
        send(event("y2", "c7", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:30Z"));
        harness.processWatermark(t("2026-11-20T10:01:00Z"));
        assertThat(side(ReplyClockFunction.CLOCK_CHANGES)).extracting(c -> c.kind)
                .containsExactly(ClockChange.Kind.STARTED, ClockChange.Kind.REPLIED);
        assertThat(side(ReplyClockFunction.REPLIES)).extracting(r -> r.frtSeconds).containsExactly(30.0);
    }

    @Test
    void aConversationHoldsOneTimerWhichIsReplacedAsItsEventsAndWakeUpsMove() throws Exception {
        open(FrtSettings.defaults());
        send(event("c1", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("c1", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:10Z"));
        send(event("c1", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:00:20Z"));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the earliest waiting event, 10:00:00
        harness.processWatermark(t("2026-11-20T10:00:30Z"));
        // all three applied; the running clock's one timer is its SLA passing (chat: 120 s after 10:00:00)
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        send(event("c1", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:01:00Z"));
        send(event("c2", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:01:00Z"));
        harness.processWatermark(t("2026-11-20T10:01:30Z"));
        // c1 answered: only its expiry (a week after its last event) is left, not one timer per event or extension
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(side(ReplyClockFunction.OUTCOMES)).extracting(o -> o.kind)
                .containsExactly(CycleOutcome.Kind.REPLIED_WITHIN_SLA);
        harness.processWatermark(t("2026-11-28T00:00:00Z"));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
