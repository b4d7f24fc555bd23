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
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyClockOperatorTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Interaction, Interaction> harness;
    private int ids;

    private void open(FrtSettings settings) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ReplyClockOperator("cx.interactions", Duration.ofDays(7).toMillis(), settings),
                i -> i.conversationId, Types.STRING);
        harness.open();
    }

    /** The conversations with a wake-up pending (what were Flink timers before the operator kept its own). */
    private int pendingWakeUps() throws Exception {
        return ((ReplyClockOperator) harness.getOperator()).pendingWakeUps();
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

        List<ReplySample> replies = side(ReplyClockOperator.REPLIES);
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).frtSeconds).isEqualTo(95.0);
        assertThat(replies.get(0).withinSla).isTrue(); // chat target 120 s
        assertThat(replies.get(0).stop).isEqualTo(t("2026-11-20T10:01:35Z"));
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind)
                .containsExactly(CycleOutcome.Kind.REPLIED_WITHIN_SLA);
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind)
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
        List<PipelineCount> duplicates = side(ReplyClockOperator.DUPLICATES);
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
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind + "@" + Instant.ofEpochMilli(o.at))
                .containsExactly("PASSED_SLA_UNANSWERED@2026-11-20T10:01:00.001Z",
                        "REPLIED_AFTER_SLA@2026-11-20T10:03:00Z");
        assertThat(side(ReplyClockOperator.REPLIES).get(0).frtSeconds).isEqualTo(180.0);
        assertThat(side(ReplyClockOperator.OUTCOMES).get(0).customerId).isEqualTo("cust-c3");
    }

    @Test
    void aConversationSilentForSevenDaysExpiresAndStartsAfresh() throws Exception {
        open(FrtSettings.defaults());
        send(event("c4", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "2026-11-01T10:00:00Z"));
        harness.processWatermark(t("2026-11-08T10:00:00Z"));
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind + "@" + Instant.ofEpochMilli(c.at))
                .containsExactly("STARTED@2026-11-01T10:00:00Z", "EXPIRED@2026-11-08T10:00:00Z");
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind).containsExactly(
                CycleOutcome.Kind.PASSED_SLA_UNANSWERED, CycleOutcome.Kind.EXPIRED);
        // the same event id again is no longer a duplicate: the conversation was forgotten
        send(event("e1", "c4", Channel.EMAIL, InteractionType.AGENT_MESSAGE, "2026-11-09T10:00:00Z"));
        harness.processWatermark(t("2026-11-09T11:00:00Z"));
        assertThat(side(ReplyClockOperator.REPLIES)).isEmpty();
        assertThat(side(ReplyClockOperator.DUPLICATES)).isEmpty();
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
        ReplySample sample = side(ReplyClockOperator.REPLIES).get(0);
        assertThat(sample.frtSeconds).isEqualTo(1200.0);
        assertThat(sample.withinSla).isTrue();
        // the 4 h target under business hours ends Monday 12:50 Berlin: the clock had stopped before
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES).get(0).slaDeadline).isEqualTo(t("2026-11-23T11:50:00Z"));
    }

    @Test
    void timersReportTheSlaPassingAndTheExpiryThenDropTheState() throws Exception {
        open(FrtSettings.defaults());
        long start = t("2026-11-20T10:00:00Z");
        send(event("x9", "c6", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:00Z"));
        harness.processWatermark(start + 120_000);
        assertThat(side(ReplyClockOperator.OUTCOMES)).isEmpty();

        harness.processWatermark(start + 120_001);
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind + "@" + (o.at - start))
                .containsExactly("PASSED_SLA_UNANSWERED@120001");
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES).get(0).slaDeadline).isEqualTo(start + 120_000);

        long week = Duration.ofDays(7).toMillis();
        harness.processWatermark(start + week);
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind + "@" + (o.at - start))
                .containsExactly("PASSED_SLA_UNANSWERED@120001", "EXPIRED@" + week);
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind + " " + c.channel + "/"
                + c.conversationId).containsExactly("STARTED chat/c6", "EXPIRED chat/c6");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aDuplicateWaitingForTheWatermarkIsDroppedOnArrival() throws Exception {
        open(FrtSettings.defaults());
        send(event("y1", "c7", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("y1", "c7", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(side(ReplyClockOperator.DUPLICATES)).hasSize(1);
        send(event("y2", "c7", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:30Z"));
        harness.processWatermark(t("2026-11-20T10:01:00Z"));
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind)
                .containsExactly(ClockChange.Kind.STARTED, ClockChange.Kind.REPLIED);
        assertThat(side(ReplyClockOperator.REPLIES)).extracting(r -> r.frtSeconds).containsExactly(30.0);
    }

    @Test
    void aConversationHoldsOneWakeUpWhichMovesWithItsEventsAndItsClock() throws Exception {
        open(FrtSettings.defaults());
        send(event("c1", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("c1", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:10Z"));
        send(event("c1", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:00:20Z"));
        assertThat(pendingWakeUps()).isEqualTo(1); // the earliest waiting event, 10:00:00
        harness.processWatermark(t("2026-11-20T10:00:30Z"));
        // all three applied; the running clock's one wake-up is its SLA passing (chat: 120 s after 10:00:00)
        assertThat(pendingWakeUps()).isEqualTo(1);
        send(event("c1", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:01:00Z"));
        send(event("c2", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:01:00Z"));
        harness.processWatermark(t("2026-11-20T10:01:30Z"));
        // c1 answered: one wake-up left (folding its events, then its expiry), not one per event or extension
        assertThat(pendingWakeUps()).isEqualTo(2);
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind)
                .containsExactly(CycleOutcome.Kind.REPLIED_WITHIN_SLA);
        harness.processWatermark(t("2026-11-28T00:00:00Z"));
        assertThat(pendingWakeUps()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /** Sends events in the given order, each followed by the watermark that a 10 s bound would give by then. */
    private void sendInOrder(List<Interaction> events) throws Exception {
        long watermark = Long.MIN_VALUE;
        for (Interaction e : events) {
            send(e);
            watermark = Math.max(watermark, e.occurredAt - 10_000);
            harness.processWatermark(watermark);
        }
        harness.processWatermark(t("2026-11-20T11:00:00Z"));
    }

    /** What a side output holds once each retraction has cancelled the item it takes back, as readable lines. */
    private <T> List<String> net(org.apache.flink.util.OutputTag<T> tag, java.util.function.Predicate<T> retracted) {
        List<T> kept = new java.util.ArrayList<>();
        for (T item : side(tag)) {
            if (retracted.test(item)) {
                assertThat(kept.remove(item)).as("retracts an item sent before: %s", item).isTrue();
            } else {
                kept.add(item);
            }
        }
        return kept.stream().map(String::valueOf).sorted().toList();
    }

    private List<List<String>> netOutputs() {
        return List.of(net(ReplyClockOperator.REPLIES, r -> r.retracted),
                net(ReplyClockOperator.OUTCOMES, o -> o.retracted),
                net(ReplyClockOperator.CLOCK_CHANGES, c -> c.retracted));
    }

    /** The net outputs of the same events sent in time order to a fresh function. */
    private List<List<String>> netOutputsInTimeOrder(List<Interaction> events) throws Exception {
        var first = harness;
        open(FrtSettings.defaults());
        first.close();
        sendInOrder(events.stream().sorted(ReplyClock.EVENT_ORDER).toList());
        return netOutputs();
    }

    @Test
    void anAgentReplyArrivingBeforeTheMessageItAnswersIsMeasuredFromThatMessage() throws Exception {
        open(FrtSettings.defaults());
        Interaction opened = event("a1", "c8", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z");
        Interaction reply = event("a2", "c8", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:40Z");
        Interaction resolved = event("a3", "c8", Channel.CHAT, InteractionType.CONVERSATION_RESOLVED,
                "2026-11-20T10:02:00Z");
        Interaction message = event("a4", "c8", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:20:00Z");
        Interaction answer = event("a5", "c8", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:21:30Z");
        // the answer is applied first, with no clock running; the message it answers comes 5 minutes later, late
        List<Interaction> arrival = List.of(opened, reply, resolved, answer,
                event("a6", "c8", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:26:00Z"), message);
        sendInOrder(arrival);

        // a new cycle from 10:20:00 (a customer message after the resolve), answered 90 s later, within 120 s
        assertThat(side(ReplyClockOperator.REPLIES)).extracting(r -> r.frtSeconds + "@" + Instant.ofEpochMilli(r.stop))
                .containsExactly("40.0@2026-11-20T10:00:40Z", "90.0@2026-11-20T10:21:30Z");
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind + "@" + Instant.ofEpochMilli(c.at))
                .containsExactly("STARTED@2026-11-20T10:00:00Z", "REPLIED@2026-11-20T10:00:40Z",
                        "STARTED@2026-11-20T10:20:00Z", "REPLIED@2026-11-20T10:21:30Z");
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind).containsExactly(
                CycleOutcome.Kind.REPLIED_WITHIN_SLA, CycleOutcome.Kind.REPLIED_WITHIN_SLA);
        // nothing is left running: no SLA passing, no expiry while the conversation lives
        assertThat(side(ReplyClockOperator.OUTCOMES)).noneMatch(o -> o.retracted);
        assertThat(netOutputs()).isEqualTo(netOutputsInTimeOrder(arrival));
    }

    @Test
    void anEarlierReplyArrivingLateTakesTheSampleBackFromItsMinuteAndTheBreachWithIt() throws Exception {
        open(FrtSettings.defaults());
        Interaction opened = event("b1", "c9", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z");
        Interaction second = event("b2", "c9", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:05:00Z");
        Interaction first = event("b3", "c9", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:01:00Z");
        List<Interaction> arrival = List.of(opened, second,
                event("b4", "c9", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:06:00Z"), first);
        sendInOrder(arrival);

        // the 10:05 reply measured 300 s after the SLA passed at 10:02:00.001; the 10:01 one replaces it
        assertThat(side(ReplyClockOperator.REPLIES)).extracting(r -> (r.retracted ? "-" : "+") + r.frtSeconds + "@"
                + Instant.ofEpochMilli(r.stop)).containsExactly("+300.0@2026-11-20T10:05:00Z",
                "-300.0@2026-11-20T10:05:00Z", "+60.0@2026-11-20T10:01:00Z");
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> (o.retracted ? "-" : "+") + o.kind)
                .containsExactly("+PASSED_SLA_UNANSWERED", "+REPLIED_AFTER_SLA", "-PASSED_SLA_UNANSWERED",
                        "-REPLIED_AFTER_SLA", "+REPLIED_WITHIN_SLA");
        assertThat(netOutputs()).isEqualTo(netOutputsInTimeOrder(arrival));
    }

    @Test
    void aResolveArrivingBeforeTheOpenEndsTheCycleAsAbandoned() throws Exception {
        open(FrtSettings.defaults());
        Interaction resolved = event("r1", "c10", Channel.CHAT, InteractionType.CONVERSATION_RESOLVED,
                "2026-11-20T10:05:00Z");
        Interaction opened = event("r2", "c10", Channel.CHAT, InteractionType.CONVERSATION_OPENED,
                "2026-11-20T10:00:00Z");
        // a bot message after the resolve lets the watermark pass it, so it is applied before the open arrives
        List<Interaction> arrival = List.of(resolved,
                event("r3", "c10", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:06:00Z"), opened);
        sendInOrder(arrival);

        // waiting from 10:00, past the chat SLA at 10:02:00.001, ended unanswered at 10:05: not running afterwards
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind + "@" + Instant.ofEpochMilli(o.at))
                .containsExactly("PASSED_SLA_UNANSWERED@2026-11-20T10:02:00.001Z", "ABANDONED@2026-11-20T10:05:00Z");
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> c.kind + "@" + Instant.ofEpochMilli(c.at))
                .containsExactly("STARTED@2026-11-20T10:00:00Z", "ABANDONED@2026-11-20T10:05:00Z");
        assertThat(side(ReplyClockOperator.REPLIES)).isEmpty();
        // only the expiry, a week after the last event, is left
        assertThat(pendingWakeUps()).isEqualTo(1);
        assertThat(netOutputs()).isEqualTo(netOutputsInTimeOrder(arrival));
    }

    @Test
    void aReopenArrivingLastRestartsTheClockAtTheReopenAndRetractsTheSampleMeasuredWithoutIt() throws Exception {
        open(FrtSettings.defaults());
        List<Interaction> arrival = List.of(
                event("o1", "c11", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"),
                event("o2", "c11", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:30Z"),
                event("o3", "c11", Channel.CHAT, InteractionType.CONVERSATION_RESOLVED, "2026-11-20T10:01:00Z"),
                event("o4", "c11", Channel.CHAT, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:10:00Z"),
                event("o5", "c11", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:12:00Z"),
                event("o6", "c11", Channel.CHAT, InteractionType.BOT_MESSAGE, "2026-11-20T10:15:00Z"),
                event("o7", "c11", Channel.CHAT, InteractionType.CONVERSATION_REOPENED, "2026-11-20T10:09:00Z"));
        sendInOrder(arrival);

        // without the reopen the second cycle ran from the message at 10:10 and was answered at exactly 120 s
        // (within); with it, from 10:09: 180 s, after the SLA passed at 10:11:00.001
        assertThat(side(ReplyClockOperator.REPLIES)).extracting(r -> (r.retracted ? "-" : "+") + r.frtSeconds)
                .containsExactly("+30.0", "+120.0", "-120.0", "+180.0");
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> (o.retracted ? "-" : "+") + o.kind + "@"
                + Instant.ofEpochMilli(o.at)).containsExactly(
                "+REPLIED_WITHIN_SLA@2026-11-20T10:00:30Z",
                "+REPLIED_WITHIN_SLA@2026-11-20T10:12:00Z",
                "-REPLIED_WITHIN_SLA@2026-11-20T10:12:00Z",
                "+PASSED_SLA_UNANSWERED@2026-11-20T10:11:00.001Z",
                "+REPLIED_AFTER_SLA@2026-11-20T10:12:00Z");
        assertThat(side(ReplyClockOperator.CLOCK_CHANGES)).extracting(c -> (c.retracted ? "-" : "+") + c.kind + "@"
                + Instant.ofEpochMilli(c.at)).containsExactly(
                "+STARTED@2026-11-20T10:00:00Z", "+REPLIED@2026-11-20T10:00:30Z",
                "+STARTED@2026-11-20T10:10:00Z", "+REPLIED@2026-11-20T10:12:00Z",
                "-STARTED@2026-11-20T10:10:00Z", "-REPLIED@2026-11-20T10:12:00Z",
                "+STARTED@2026-11-20T10:09:00Z", "+REPLIED@2026-11-20T10:12:00Z");
        assertThat(netOutputs()).isEqualTo(netOutputsInTimeOrder(arrival));
    }

    /** The conversation's stored clock, read from the harness's state backend. */
    private ReplyClock stored(String conversation) throws Exception {
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(conversation);
        return backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                ReplyClockOperator.stateDescriptor()).value();
    }

    /** Every side output as arrival-ordered lines, retractions marked. */
    private List<String> allOutputs() {
        List<String> lines = new java.util.ArrayList<>();
        side(ReplyClockOperator.REPLIES).forEach(r -> lines.add((r.retracted ? "-" : "+") + r.frtSeconds + "@"
                + Instant.ofEpochMilli(r.stop)));
        side(ReplyClockOperator.OUTCOMES).forEach(o -> lines.add((o.retracted ? "-" : "+") + o.kind + "@"
                + Instant.ofEpochMilli(o.at)));
        side(ReplyClockOperator.CLOCK_CHANGES).forEach(c -> lines.add((c.retracted ? "-" : "+") + c.kind + "@"
                + Instant.ofEpochMilli(c.at)));
        return lines;
    }

    /** An opening at 10:00, a reply at 10:45 while the watermark stands at 11:30, then a reply at 10:40 arrives. */
    private List<String> lateReplyAfterTheOpeningLeftTheLateness(FrtSettings settings) throws Exception {
        open(settings);
        send(event("f1", "c20", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        harness.processWatermark(t("2026-11-20T10:01:00Z"));
        send(event("f2", "c20", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:45:00Z"));
        harness.processWatermark(t("2026-11-20T11:30:00Z"));
        send(event("f3", "c20", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:40:00Z"));
        return allOutputs();
    }

    @Test
    void aLateEventAfterTheOlderEventsWereFoldedGivesTheSameOutputsAsWithoutFolding() throws Exception {
        List<String> folded = lateReplyAfterTheOpeningLeftTheLateness(FrtSettings.defaults());
        // at 11:30 the horizon is 10:29 (1 h allowed lateness and a minute): the opening is folded into the base, the
        // 10:45 reply is kept, and the 10:40 one is replayed on the base (waiting since 10:00, SLA passed at 10:02)
        assertThat(stored("c20").log.recent).extracting(e -> Instant.ofEpochMilli(e.occurredAt).toString())
                .containsExactly("2026-11-20T10:40:00Z", "2026-11-20T10:45:00Z");
        assertThat(stored("c20").log.base.start).isEqualTo(t("2026-11-20T10:00:00Z"));
        assertThat(folded).containsExactly(
                "+2700.0@2026-11-20T10:45:00Z", "-2700.0@2026-11-20T10:45:00Z", "+2400.0@2026-11-20T10:40:00Z",
                "+PASSED_SLA_UNANSWERED@2026-11-20T10:02:00.001Z", "+REPLIED_AFTER_SLA@2026-11-20T10:45:00Z",
                "-REPLIED_AFTER_SLA@2026-11-20T10:45:00Z", "+REPLIED_AFTER_SLA@2026-11-20T10:40:00Z",
                "+STARTED@2026-11-20T10:00:00Z", "+REPLIED@2026-11-20T10:45:00Z", "-REPLIED@2026-11-20T10:45:00Z",
                "+REPLIED@2026-11-20T10:40:00Z");
        var first = harness;
        // a lateness of 30 days: nothing is folded, the whole life is replayed
        List<String> whole = lateReplyAfterTheOpeningLeftTheLateness(
                FrtSettings.defaults().withAllowedLatenessMillis(Duration.ofDays(30).toMillis()));
        first.close();
        assertThat(stored("c20").log.base).isNull();
        assertThat(stored("c20").log.recent).hasSize(3);
        assertThat(whole).isEqualTo(folded);
    }

    @Test
    void onceEveryEventIsOlderThanTheLatenessTheConversationKeepsOnlyItsClock() throws Exception {
        open(FrtSettings.defaults());
        send(event("g1", "c21", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:00Z"));
        send(event("g2", "c21", Channel.EMAIL, InteractionType.BOT_MESSAGE, "2026-11-20T10:00:05Z"));
        harness.processWatermark(t("2026-11-20T10:30:00Z"));
        assertThat(stored("c21").log.recent).hasSize(2);
        assertThat(stored("c21").log.base).isNull();
        // 11:01:05 is 1 h and a minute after the bot message: both events are folded, the clock is its own base
        harness.processWatermark(t("2026-11-20T11:01:05Z"));
        ReplyClock c = stored("c21");
        assertThat(c.log).isNull();
        assertThat(c.running()).isTrue();
        assertThat(c.seenCount()).isEqualTo(2);
        // a late reply within the lateness is still measured from 10:00 (email: 4 h target, 3,600 s counted)
        send(event("g3", "c21", Channel.EMAIL, InteractionType.AGENT_MESSAGE, "2026-11-20T11:00:00Z"));
        assertThat(side(ReplyClockOperator.REPLIES)).extracting(r -> r.frtSeconds + " " + r.withinSla)
                .containsExactly("3600.0 true");
        // and a duplicate of a folded event is still one
        send(event("g1", "c21", Channel.EMAIL, InteractionType.CUSTOMER_MESSAGE, "2026-11-20T10:00:00Z"));
        assertThat(side(ReplyClockOperator.DUPLICATES)).extracting(d -> d.duplicates).containsExactly(1L);
    }

    @Test
    void anEventOlderThanTheFoldedOnesIsDroppedAsTooLate() throws Exception {
        open(FrtSettings.defaults());
        send(event("h1", "c22", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        harness.processWatermark(t("2026-11-20T12:00:00Z"));
        assertThat(stored("c22").log).isNull();
        // only after a restart reset ingest's watermark can such an event pass ingest: it cannot be put in its place
        send(event("h2", "c22", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T09:59:00Z"));
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(side(ReplyClockOperator.DUPLICATES)).extracting(d -> d.tooLate + "/" + d.duplicates)
                .containsExactly("1/0");
        assertThat(side(ReplyClockOperator.REPLIES)).isEmpty();
        assertThat(side(ReplyClockOperator.OUTCOMES)).extracting(o -> o.kind)
                .containsExactly(CycleOutcome.Kind.PASSED_SLA_UNANSWERED);
    }

    @Test
    void aRestoredOperatorWakesItsConversationsAsAnUninterruptedOneWould() throws Exception {
        open(FrtSettings.defaults());
        // c30: waiting events not reached by the watermark; c31: a running clock whose SLA passes after the restore
        send(event("k1", "c30", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("k2", "c31", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T09:59:00Z"));
        harness.processWatermark(t("2026-11-20T09:59:30Z"));
        send(event("k3", "c30", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:45Z"));
        var snapshot = harness.snapshot(1L, 1L);
        List<String> before = allOutputs();
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ReplyClockOperator("cx.interactions", Duration.ofDays(7).toMillis(), FrtSettings.defaults()),
                i -> i.conversationId, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(pendingWakeUps()).isEqualTo(2);
        harness.processWatermark(t("2026-11-20T10:05:00Z"));
        assertThat(before).containsExactly("+STARTED@2026-11-20T09:59:00Z");
        // c30's wake-up (10:00:00) before c31's SLA passing (10:01:00.001); per output: replies, outcomes, changes
        assertThat(allOutputs()).containsExactly("+45.0@2026-11-20T10:00:45Z",
                "+REPLIED_WITHIN_SLA@2026-11-20T10:00:45Z", "+PASSED_SLA_UNANSWERED@2026-11-20T10:01:00.001Z",
                "+STARTED@2026-11-20T10:00:00Z", "+REPLIED@2026-11-20T10:00:45Z");
    }

    /** The operator as versions before {@link ReplyClockSerializer} ran it: its state written by Flink's POJO serializer. */
    static final class PojoStateOperator extends ReplyClockOperator {
        private static final long serialVersionUID = 1L;

        PojoStateOperator() {
            super("cx.interactions", Duration.ofDays(7).toMillis(), FrtSettings.defaults());
        }

        @Override
        ValueStateDescriptor<ReplyClock> descriptor() {
            return new ValueStateDescriptor<>("reply-clock", TypeInformation.of(ReplyClock.class));
        }
    }

    private void openRestored(ReplyClockOperator operator, StateBackend backend, OperatorSubtaskState snapshot)
            throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, i -> i.conversationId, Types.STRING);
        harness.setStateBackend(backend);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void stateThatEarlierVersionsWroteWithThePojoSerializerIsRestored(String backendName) throws Exception {
        StateBackend backend = backendName.equals("rocksdb") ? new EmbeddedRocksDBStateBackend()
                : new HashMapStateBackend();
        openRestored(new PojoStateOperator(), backend, null);
        // as in the test above: c30 with waiting events and a recent one, c31 a running clock
        send(event("k1", "c30", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T10:00:00Z"));
        send(event("k2", "c31", Channel.CHAT, InteractionType.CONVERSATION_OPENED, "2026-11-20T09:59:00Z"));
        harness.processWatermark(t("2026-11-20T09:59:30Z"));
        send(event("k3", "c30", Channel.CHAT, InteractionType.AGENT_MESSAGE, "2026-11-20T10:00:45Z"));
        OperatorSubtaskState written = harness.snapshot(1L, 1L);
        harness.close();

        openRestored(new ReplyClockOperator("cx.interactions", Duration.ofDays(7).toMillis(),
                FrtSettings.defaults()), backend, written);
        assertThat(pendingWakeUps()).isEqualTo(2);
        assertThat(stored("c31").running()).isTrue();
        OperatorSubtaskState rewritten = harness.snapshot(2L, 2L);
        harness.close();

        // written again, now by ReplyClockSerializer, and restored from that
        openRestored(new ReplyClockOperator("cx.interactions", Duration.ofDays(7).toMillis(),
                FrtSettings.defaults()), backend, rewritten);
        assertThat(pendingWakeUps()).isEqualTo(2);
        ReplyClock c31 = stored("c31");
        // the logged event shares the restored clock's strings, as a live conversation's does
        assertThat(c31.log.recent[0].conversationId).isEqualTo("c31").isSameAs(c31.conversationId);
        assertThat(c31.log.recent[0].customerId).isSameAs(c31.customerId);
        harness.processWatermark(t("2026-11-20T10:05:00Z"));
        assertThat(allOutputs()).containsExactly("+45.0@2026-11-20T10:00:45Z",
                "+REPLIED_WITHIN_SLA@2026-11-20T10:00:45Z", "+PASSED_SLA_UNANSWERED@2026-11-20T10:01:00.001Z",
                "+STARTED@2026-11-20T10:00:00Z", "+REPLIED@2026-11-20T10:00:45Z");
    }
}
