package io.touchpoint.frt;

import static io.touchpoint.avro.InteractionType.AGENT_MESSAGE;
import static io.touchpoint.avro.InteractionType.BOT_MESSAGE;
import static io.touchpoint.avro.InteractionType.CANCELLATION_REQUESTED;
import static io.touchpoint.avro.InteractionType.CONVERSATION_OPENED;
import static io.touchpoint.avro.InteractionType.CONVERSATION_REOPENED;
import static io.touchpoint.avro.InteractionType.CONVERSATION_RESOLVED;
import static io.touchpoint.avro.InteractionType.CUSTOMER_ABANDONED;
import static io.touchpoint.avro.InteractionType.CUSTOMER_MESSAGE;
import static io.touchpoint.avro.InteractionType.INTERNAL_NOTE;
import static io.touchpoint.frt.BusinessCalendarTest.berlin;
import static io.touchpoint.frt.BusinessCalendarTest.utc;
import static io.touchpoint.frt.CycleOutcome.Kind.EXPIRED;
import static io.touchpoint.frt.CycleOutcome.Kind.PASSED_SLA_UNANSWERED;
import static io.touchpoint.frt.CycleOutcome.Kind.REPLIED_AFTER_SLA;
import static io.touchpoint.frt.CycleOutcome.Kind.REPLIED_WITHIN_SLA;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.ingest.Interaction;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyClockTest {

    /** Monday 2026-11-16 10:00 UTC. */
    private static final long T0 = utc("2026-11-16T10:00");
    private static final long DAY = 86_400_000L;
    private static final long WEEK = 7 * DAY;

    private static final BusinessCalendar OFFICE = BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00");
    private static final FrtSettings WALL_CLOCK = FrtSettings.defaults();
    private static final FrtSettings EMAIL_OFFICE = FrtSettings.of(SlaTargets.defaults(),
            Map.of(Channel.EMAIL, OFFICE), FrtSettings.DEFAULT_LIFETIME_MILLIS);

    private final ReplyClock clock = new ReplyClock();
    private FrtSettings settings = WALL_CLOCK;
    private int ids;

    private static Interaction event(String id, long at, InteractionType type, Channel channel, String touchpoint) {
        Interaction e = new Interaction();
        e.eventId = id;
        e.occurredAt = at;
        e.channel = channel;
        e.touchpoint = touchpoint;
        e.customerId = "cu-1";
        e.conversationId = "cv-1";
        e.type = type;
        return e;
    }

    /** A new chat event {@code seconds} after T0. */
    private ClockStep at(long seconds, InteractionType type) {
        return clock.apply(event("e" + ++ids, T0 + seconds * 1000, type, Channel.CHAT, "billing"), settings);
    }

    private ClockStep email(long at, InteractionType type) {
        return clock.apply(event("m" + ++ids, at, type, Channel.EMAIL, "support"), settings);
    }

    private static String outcomes(ClockStep step) {
        StringBuilder s = new StringBuilder();
        for (CycleOutcome o : step.outcomes()) {
            s.append(s.length() == 0 ? "" : ", ").append(o.kind).append(" +").append(o.at - T0).append("ms");
        }
        return s.toString();
    }

    @Test
    void aChatAnsweredAfterABotMessageIsMeasuredToTheAgent() {
        ClockStep opened = at(0, CONVERSATION_OPENED);
        assertThat(opened.started()).isTrue();
        assertThat(clock.running()).isTrue();
        assertThat(clock.slaDeadline).isEqualTo(T0 + 120_000);
        assertThat(at(5, BOT_MESSAGE).outcomes()).isEmpty();

        ClockStep replied = at(95, AGENT_MESSAGE);
        ReplySample s = replied.reply();
        assertThat(s.frtSeconds).isEqualTo(95.0);
        assertThat(s.withinSla).isTrue();
        assertThat(s.slaTargetSeconds).isEqualTo(120L);
        assertThat(s.channel).isEqualTo("chat");
        assertThat(s.touchpoint).isEqualTo("billing");
        assertThat(s.customerId).isEqualTo("cu-1");
        assertThat(s.conversationId).isEqualTo("cv-1");
        assertThat(s.start).isEqualTo(T0);
        assertThat(s.stop).isEqualTo(T0 + 95_000);
        assertThat(outcomes(replied)).isEqualTo("REPLIED_WITHIN_SLA +95000ms");
        assertThat(clock.running()).isFalse();

        // only the first agent message is a first response
        assertThat(at(120, AGENT_MESSAGE).reply()).isNull();
    }

    @Test
    void notesAndFollowUpsDoNotMoveTheClock() {
        at(0, CUSTOMER_MESSAGE);
        assertThat(at(30, INTERNAL_NOTE).outcomes()).isEmpty();
        assertThat(at(60, CUSTOMER_MESSAGE).started()).isFalse(); // keeps the original start
        at(70, CANCELLATION_REQUESTED);
        ClockStep replied = at(200, AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(200.0);
        assertThat(replied.reply().withinSla).isFalse();
        // the clock passed 120 s one millisecond after the deadline, before the reply: both are reported, in order
        assertThat(outcomes(replied)).isEqualTo("PASSED_SLA_UNANSWERED +120001ms, REPLIED_AFTER_SLA +200000ms");
    }

    @Test
    void aReplyExactlyAtTheTargetIsWithin() {
        at(0, CONVERSATION_OPENED);
        ClockStep replied = at(120, AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(120.0);
        assertThat(outcomes(replied)).isEqualTo("REPLIED_WITHIN_SLA +120000ms");
    }

    @Test
    void aReopenIsMeasuredFromTheReopenNotFromCreation() {
        at(0, CONVERSATION_OPENED);
        assertThat(at(60, AGENT_MESSAGE).reply().frtSeconds).isEqualTo(60.0);
        assertThat(at(90, CUSTOMER_MESSAGE).started()).isFalse(); // answered: a follow-up is no new cycle
        assertThat(at(600, CONVERSATION_RESOLVED).outcomes()).isEmpty();

        ClockStep reopened = at(86_400, CONVERSATION_REOPENED);
        assertThat(reopened.started()).isTrue();
        assertThat(clock.start).isEqualTo(T0 + DAY);
        // 110 s after the reopen, not a day and 110 s after creation
        ClockStep replied = at(86_510, AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(110.0);
        assertThat(replied.reply().start).isEqualTo(T0 + DAY);
        assertThat(outcomes(replied)).isEqualTo("REPLIED_WITHIN_SLA +86510000ms");
    }

    @Test
    void aReopenWhileTheClockRunsKeepsItsStart() {
        at(0, CUSTOMER_MESSAGE);
        assertThat(at(50, CONVERSATION_REOPENED).started()).isFalse();
        assertThat(at(100, AGENT_MESSAGE).reply().frtSeconds).isEqualTo(100.0);
    }

    @Test
    void attributionIsTheEventThatStartedTheClock() {
        at(0, CUSTOMER_MESSAGE); // chat / billing
        clock.apply(event("x1", T0 + 10_000, CUSTOMER_MESSAGE, Channel.EMAIL, "sales"), settings);
        ClockStep replied = clock.apply(event("x2", T0 + 100_000, AGENT_MESSAGE, Channel.EMAIL, "sales"), settings);
        assertThat(replied.reply().channel).isEqualTo("chat");
        assertThat(replied.reply().touchpoint).isEqualTo("billing");
        assertThat(replied.reply().slaTargetSeconds).isEqualTo(120L);
        assertThat(replied.outcomes().get(0).channel).isEqualTo("chat");
    }

    @Test
    void resolvedBeforeAnyReplyIsAbandoned() {
        at(0, CUSTOMER_MESSAGE);
        ClockStep resolved = at(100, CONVERSATION_RESOLVED);
        assertThat(resolved.reply()).isNull();
        assertThat(outcomes(resolved)).isEqualTo("ABANDONED +100000ms");
        assertThat(resolved.outcomes().get(0).customerId).isEqualTo("cu-1");
        // an agent message with no running clock does nothing
        ClockStep late = at(150, AGENT_MESSAGE);
        assertThat(late.reply()).isNull();
        assertThat(late.outcomes()).isEmpty();
        // the customer writing again after the resolve is waiting again: a new cycle
        assertThat(at(300, CUSTOMER_MESSAGE).started()).isTrue();
        assertThat(at(330, AGENT_MESSAGE).reply().frtSeconds).isEqualTo(30.0);
    }

    @Test
    void customerAbandonedBeforeAnyReplyIsAbandoned() {
        at(0, CONVERSATION_OPENED);
        at(10, BOT_MESSAGE);
        assertThat(outcomes(at(50, CUSTOMER_ABANDONED))).isEqualTo("ABANDONED +50000ms");
        assertThat(clock.running()).isFalse();
    }

    @Test
    void anAgentMessageBeforeTheStartDoesNotStopIt() {
        at(100, CUSTOMER_MESSAGE);
        assertThat(at(40, AGENT_MESSAGE).reply()).isNull(); // a late event from before the clock started
        assertThat(at(100, AGENT_MESSAGE).reply().frtSeconds).isEqualTo(0.0); // "at or after the start"
    }

    @Test
    void aRunningClockPassesItsSlaOnceThenExpiresAfterSevenDaysOfSilence() {
        at(0, CONVERSATION_OPENED);
        assertThat(clock.nextWakeUp()).isEqualTo(T0 + 120_001);
        assertThat(clock.advanceTo(T0 + 120_000).outcomes()).isEmpty();
        assertThat(outcomes(clock.advanceTo(T0 + 120_001))).isEqualTo("PASSED_SLA_UNANSWERED +120001ms");
        assertThat(clock.advanceTo(T0 + 180_000).outcomes()).isEmpty(); // once per cycle

        at(3_600, BOT_MESSAGE); // any event keeps the conversation alive
        assertThat(clock.expiresAt).isEqualTo(T0 + 3_600_000 + WEEK);
        assertThat(clock.nextWakeUp()).isEqualTo(T0 + 3_600_000 + WEEK);
        assertThat(clock.advanceTo(T0 + 3_600_000 + WEEK - 1).forgotten()).isFalse();
        ClockStep expired = clock.advanceTo(T0 + 3_600_000 + WEEK);
        assertThat(outcomes(expired)).isEqualTo("EXPIRED +608400000ms"); // 1 h + 7 days after T0
        assertThat(expired.forgotten()).isTrue();
        assertThat(clock.empty()).isTrue();
        assertThat(clock.seenCount()).isZero();

        // a later event starts afresh: the agent finally writing finds no clock; the customer starts a new one
        assertThat(at(8 * 86_400, AGENT_MESSAGE).reply()).isNull();
        ClockStep again = clock.apply(event("e1", T0 + 9 * DAY, CUSTOMER_MESSAGE, Channel.CHAT, "billing"), settings);
        assertThat(again.duplicate()).isFalse(); // "e1" was seen in the forgotten conversation only
        assertThat(again.started()).isTrue();
        assertThat(clock.start).isEqualTo(T0 + 9 * DAY);
    }

    @Test
    void anEventAfterTheLifetimeExpiresTheOldClockFirst() {
        at(0, CONVERSATION_OPENED);
        ClockStep next = at(WEEK / 1000 + 3_600, CUSTOMER_MESSAGE);
        assertThat(outcomes(next)).isEqualTo("PASSED_SLA_UNANSWERED +120001ms, EXPIRED +604800000ms");
        assertThat(next.started()).isTrue();
        assertThat(next.forgotten()).isFalse(); // the clock holds the new conversation
        assertThat(clock.start).isEqualTo(T0 + WEEK + 3_600_000);
        assertThat(clock.expiresAt).isEqualTo(T0 + 2 * WEEK + 3_600_000);
    }

    @Test
    void duplicateEventIdsAreDroppedAndReported() {
        clock.apply(event("a", T0, CONVERSATION_OPENED, Channel.CHAT, "billing"), settings);
        ClockStep again = clock.apply(event("a", T0 + 5_000, CONVERSATION_OPENED, Channel.CHAT, "billing"), settings);
        assertThat(again.duplicate()).isTrue();
        assertThat(again.started()).isFalse();
        assertThat(clock.start).isEqualTo(T0);
        assertThat(clock.expiresAt).isEqualTo(T0 + WEEK); // a duplicate does not keep the conversation alive

        ClockStep reply = clock.apply(event("b", T0 + 30_000, AGENT_MESSAGE, Channel.CHAT, "billing"), settings);
        assertThat(reply.reply().frtSeconds).isEqualTo(30.0);
        ClockStep replayed = clock.apply(event("b", T0 + 30_000, AGENT_MESSAGE, Channel.CHAT, "billing"), settings);
        assertThat(replayed.duplicate()).isTrue();
        assertThat(replayed.reply()).isNull();
        assertThat(replayed.outcomes()).isEmpty();
        assertThat(clock.seenCount()).isEqualTo(2);
        assertThat(clock.seen("a") && clock.seen("b")).isTrue();
    }

    @Test
    void emailFridayEveningToMondayMorningInBusinessHours() {
        settings = EMAIL_OFFICE;
        // Friday 2026-11-20 17:50 -> Monday 09:10: 10 min + 10 min
        email(berlin("2026-11-20T17:50"), CUSTOMER_MESSAGE);
        ClockStep replied = email(berlin("2026-11-23T09:10"), AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(1_200.0);
        assertThat(replied.reply().withinSla).isTrue();
        assertThat(replied.outcomes()).extracting(o -> o.kind).containsExactly(REPLIED_WITHIN_SLA);
    }

    @Test
    void emailAcrossAHolidayMonday() {
        settings = FrtSettings.of(SlaTargets.defaults(), Map.of(Channel.EMAIL,
                BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00; holidays 2026-11-23")),
                FrtSettings.DEFAULT_LIFETIME_MILLIS);
        email(berlin("2026-11-20T17:50"), CUSTOMER_MESSAGE);
        assertThat(email(berlin("2026-11-24T09:10"), AGENT_MESSAGE).reply().frtSeconds).isEqualTo(1_200.0);
    }

    @Test
    void chatWithoutACalendarCountsWallClockOverTheSameWeekend() {
        settings = EMAIL_OFFICE; // the calendar belongs to email only
        clock.apply(event("c1", berlin("2026-11-20T17:50"), CUSTOMER_MESSAGE, Channel.CHAT, "web"), settings);
        ClockStep replied = clock.apply(event("c2", berlin("2026-11-23T09:10"), AGENT_MESSAGE, Channel.CHAT, "web"),
                settings);
        assertThat(replied.reply().frtSeconds).isEqualTo(228_000.0);
    }

    @Test
    void slaUnderACalendarPassesInBusinessTime() {
        settings = EMAIL_OFFICE; // email target 4 h
        // Friday 16:00: 2 h on Friday + 2 h on Monday -> the deadline is Monday 11:00
        email(berlin("2026-11-20T16:00"), CUSTOMER_MESSAGE);
        assertThat(clock.slaDeadline).isEqualTo(berlin("2026-11-23T11:00"));
        assertThat(clock.nextWakeUp()).isEqualTo(berlin("2026-11-23T11:00") + 1);
        assertThat(clock.advanceTo(berlin("2026-11-23T11:00")).outcomes()).isEmpty();
        ClockStep passed = clock.advanceTo(berlin("2026-11-23T11:00") + 1);
        assertThat(passed.outcomes()).extracting(o -> o.kind).containsExactly(PASSED_SLA_UNANSWERED);
        assertThat(passed.outcomes().get(0).at).isEqualTo(berlin("2026-11-23T11:00") + 1);

        // Monday 12:00: 2 h + 3 h = 18000 s, after the SLA; the passing was already reported
        ClockStep replied = email(berlin("2026-11-23T12:00"), AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(18_000.0);
        assertThat(replied.outcomes()).extracting(o -> o.kind).containsExactly(REPLIED_AFTER_SLA);
    }

    @Test
    void aTargetReachedAtClosingTimeIsNotPassedUntilTheNextOpening() {
        settings = EMAIL_OFFICE;
        // Friday 14:00 + 4 h of open time = Friday 18:00, closing time: the clock stands still until Monday 09:00
        email(berlin("2026-11-20T14:00"), CUSTOMER_MESSAGE);
        assertThat(clock.slaDeadline).isEqualTo(berlin("2026-11-23T09:00"));
        assertThat(clock.advanceTo(berlin("2026-11-22T12:00")).outcomes()).isEmpty();
        // a reply on Monday 08:30 is 14400 s of open time: within
        ClockStep replied = email(berlin("2026-11-23T08:30"), AGENT_MESSAGE);
        assertThat(replied.reply().frtSeconds).isEqualTo(14_400.0);
        assertThat(replied.outcomes()).extracting(o -> o.kind).containsExactly(REPLIED_WITHIN_SLA);
    }

    @Test
    void theRunningClockIsVisibleForTheBacklog() {
        assertThat(clock.running()).isFalse();
        assertThat(clock.empty()).isTrue();
        assertThat(clock.nextWakeUp()).isEqualTo(Long.MAX_VALUE);
        at(0, CUSTOMER_MESSAGE);
        assertThat(clock.running()).isTrue();
        assertThat(clock.start).isEqualTo(T0);
        assertThat(clock.channel).isEqualTo(Channel.CHAT);
        at(10, CONVERSATION_RESOLVED);
        assertThat(clock.running()).isFalse();
        assertThat(clock.slaPassesAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(clock.nextWakeUp()).isEqualTo(T0 + 10_000 + WEEK);
    }

    @Test
    void outcomeKindsCarryTheirAttribution() {
        at(0, CUSTOMER_MESSAGE);
        CycleOutcome o = at(WEEK / 1000 + 1, CUSTOMER_MESSAGE).outcomes().get(1);
        assertThat(o.kind).isEqualTo(EXPIRED);
        assertThat(o.customerId).isEqualTo("cu-1");
        assertThat(o.conversationId).isEqualTo("cv-1");
        assertThat(o.channel).isEqualTo("chat");
        assertThat(o.touchpoint).isEqualTo("billing");
        assertThat(o.at).isEqualTo(T0 + WEEK);
    }

    @Test
    void aCycleAsOfAnEarlierInstantUndoesOnlyAnSlaPassingAfterIt() {
        at(0, CUSTOMER_MESSAGE); // chat: target 120 s, deadline T0 + 120,000 ms
        clock.advanceTo(T0 + 200_000);
        assertThat(clock.slaPassed).isTrue();
        assertThat(clock.cycleAsOf(T0 + 120_000).slaPassed).isFalse();
        assertThat(clock.cycleAsOf(T0 + 120_001).slaPassed).isTrue();
        ReplyClock base = clock.cycleAsOf(T0);
        assertThat(base.start).isEqualTo(T0);
        assertThat(base.expiresAt).isEqualTo(T0 + WEEK);
        assertThat(base.lastEventTime(settings)).isEqualTo(T0);
        assertThat(base.seenCount()).isZero();
        // replayed from there, the SLA passing is emitted again at its instant
        assertThat(base.advanceTo(T0 + 130_000).outcomes()).extracting(o -> o.kind + "@" + (o.at - T0))
                .containsExactly("PASSED_SLA_UNANSWERED@120001");
    }
}
