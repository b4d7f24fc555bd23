package io.touchpoint.frt;

import static io.touchpoint.avro.InteractionType.AGENT_MESSAGE;
import static io.touchpoint.avro.InteractionType.BOT_MESSAGE;
import static io.touchpoint.avro.InteractionType.CONVERSATION_OPENED;
import static io.touchpoint.avro.InteractionType.CONVERSATION_REOPENED;
import static io.touchpoint.avro.InteractionType.CONVERSATION_RESOLVED;
import static io.touchpoint.avro.InteractionType.CUSTOMER_ABANDONED;
import static io.touchpoint.avro.InteractionType.CUSTOMER_MESSAGE;
import static io.touchpoint.avro.InteractionType.INTERNAL_NOTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.InteractionType;
import org.junit.jupiter.api.Test;

class ReplyClockTest {

    private final ReplyClock clock = new ReplyClock();

    private ReplyClock.Change at(long seconds, InteractionType type) {
        return clock.apply(type, seconds * 1000, "chat", "billing");
    }

    @Test
    void aBotMessageDoesNotStopTheClock() {
        assertThat(at(0, CONVERSATION_OPENED)).isEqualTo(ReplyClock.Change.STARTED);
        assertThat(at(5, BOT_MESSAGE)).isEqualTo(ReplyClock.Change.NOTHING);
        assertThat(at(20, INTERNAL_NOTE)).isEqualTo(ReplyClock.Change.NOTHING);
        assertThat(at(30, CUSTOMER_MESSAGE)).isEqualTo(ReplyClock.Change.NOTHING);
        assertThat(at(95, AGENT_MESSAGE)).isEqualTo(ReplyClock.Change.REPLIED);
        // FRT = 95 s, measured from the opening to the human reply
        assertThat(clock.start).isZero();
        assertThat(at(120, AGENT_MESSAGE)).isEqualTo(ReplyClock.Change.NOTHING);
    }

    @Test
    void aReopenIsMeasuredFromTheReopen() {
        at(0, CONVERSATION_OPENED);
        at(60, AGENT_MESSAGE);
        at(600, CONVERSATION_RESOLVED);
        assertThat(at(86_400, CONVERSATION_REOPENED)).isEqualTo(ReplyClock.Change.STARTED);
        assertThat(clock.start).isEqualTo(86_400_000L);
        assertThat(at(86_520, AGENT_MESSAGE)).isEqualTo(ReplyClock.Change.REPLIED);
        // the second sample is 120 s, not a day and two minutes
    }

    @Test
    void resolvedOrAbandonedBeforeAnyReplyIsAnAbandonedCycle() {
        at(0, CUSTOMER_MESSAGE);
        assertThat(at(300, CONVERSATION_RESOLVED)).isEqualTo(ReplyClock.Change.ABANDONED);
        assertThat(at(400, AGENT_MESSAGE)).isEqualTo(ReplyClock.Change.NOTHING);

        ReplyClock other = new ReplyClock();
        other.apply(CONVERSATION_OPENED, 0, "phone", "unknown");
        assertThat(other.apply(CUSTOMER_ABANDONED, 200_000, "phone", "unknown")).isEqualTo(ReplyClock.Change.ABANDONED);
    }

    @Test
    void aCustomerWritingAfterResolutionStartsANewCycle() {
        at(0, CONVERSATION_OPENED);
        at(60, AGENT_MESSAGE);
        at(100, CONVERSATION_RESOLVED);
        assertThat(at(5000, CUSTOMER_MESSAGE)).isEqualTo(ReplyClock.Change.STARTED);
        assertThat(at(5010, CONVERSATION_REOPENED)).isEqualTo(ReplyClock.Change.NOTHING);
        assertThat(clock.start).isEqualTo(5_000_000L);
    }

    @Test
    void anAgentMessageBeforeTheStartIsIgnored() {
        at(100, CUSTOMER_MESSAGE);
        assertThat(at(90, AGENT_MESSAGE)).isEqualTo(ReplyClock.Change.NOTHING);
        assertThat(clock.running()).isTrue();
    }

    @Test
    void theSlaIsPassedOnceAndExpiryCountsARunningClock() {
        at(0, CUSTOMER_MESSAGE);
        clock.slaDeadline = 120_000;
        assertThat(clock.passSla(120_000)).isFalse(); // exactly at the target is still within it
        assertThat(clock.passSla(120_001)).isTrue();
        assertThat(clock.passSla(130_000)).isFalse();
        assertThat(clock.expire()).isTrue();
        assertThat(clock.phase).isEqualTo(ReplyClock.Phase.NONE);
        assertThat(at(700_000, CUSTOMER_MESSAGE)).isEqualTo(ReplyClock.Change.STARTED);
    }
}
