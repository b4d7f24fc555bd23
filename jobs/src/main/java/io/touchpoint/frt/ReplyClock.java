package io.touchpoint.frt;

import io.touchpoint.avro.InteractionType;

/**
 * The reply clock of one conversation (SPEC §4.3), fed its events in event-time order.
 *
 * <ul>
 *   <li>A cycle starts at the first customer-authored event (CONVERSATION_OPENED or CUSTOMER_MESSAGE); the clock
 *       starts there and is attributed to that event's channel and touchpoint.
 *   <li>The first AGENT_MESSAGE at or after the start stops it: that is one first-response sample. Bot messages,
 *       internal notes and other types never stop it; further customer messages keep the original start.
 *   <li>CONVERSATION_RESOLVED or CUSTOMER_ABANDONED before any agent reply: the cycle is abandoned.
 *   <li>CONVERSATION_REOPENED after a cycle ended or was answered begins a new cycle at the reopen's time. So does a
 *       customer message after the conversation was resolved (the customer is waiting again). A reopen while a
 *       clock runs keeps the running clock: that customer has been waiting since its start.
 *   <li>An agent message with no running clock, or before the clock's start (a late event), changes nothing.
 * </ul>
 * Expiry (7 days without events) and the SLA deadline are driven by the owner's timers through {@link #expire} and
 * {@link #passSla}. Public fields: kept as Flink POJO state, one per conversation, dropped on expiry.
 */
public class ReplyClock {

    /** Where a conversation's current cycle stands. */
    public enum Phase {
        NONE,
        WAITING,
        ANSWERED,
        ENDED
    }

    /** What an event did to the clock. */
    public enum Change {
        NOTHING,
        STARTED,
        REPLIED,
        ABANDONED
    }

    public Phase phase = Phase.NONE;
    public long start;
    public String channel;
    public String touchpoint;
    /** The customer of the event that started the clock; set by the owner. */
    public String customerId;
    /** When the running clock passes its SLA target; computed by the owner at start. */
    public long slaDeadline = Long.MAX_VALUE;
    public boolean slaPassed;

    public ReplyClock() {}

    public Change apply(InteractionType type, long at, String eventChannel, String eventTouchpoint) {
        switch (type) {
            case CONVERSATION_OPENED, CUSTOMER_MESSAGE -> {
                if (phase == Phase.NONE || phase == Phase.ENDED) {
                    return startAt(at, eventChannel, eventTouchpoint);
                }
                return Change.NOTHING;
            }
            case CONVERSATION_REOPENED -> {
                if (phase != Phase.WAITING) {
                    return startAt(at, eventChannel, eventTouchpoint);
                }
                return Change.NOTHING;
            }
            case AGENT_MESSAGE -> {
                if (phase == Phase.WAITING && at >= start) {
                    phase = Phase.ANSWERED;
                    return Change.REPLIED;
                }
                return Change.NOTHING;
            }
            case CONVERSATION_RESOLVED, CUSTOMER_ABANDONED -> {
                Phase before = phase;
                if (phase != Phase.NONE) {
                    phase = Phase.ENDED;
                }
                return before == Phase.WAITING ? Change.ABANDONED : Change.NOTHING;
            }
            default -> {
                return Change.NOTHING;
            }
        }
    }

    private Change startAt(long at, String eventChannel, String eventTouchpoint) {
        phase = Phase.WAITING;
        start = at;
        channel = eventChannel;
        touchpoint = eventTouchpoint;
        slaDeadline = Long.MAX_VALUE;
        slaPassed = false;
        return Change.STARTED;
    }

    public boolean running() {
        return phase == Phase.WAITING;
    }

    /**
     * Marks the SLA as passed if the clock still runs at {@code at} and is past its deadline; true the first time.
     */
    public boolean passSla(long at) {
        if (running() && !slaPassed && at > slaDeadline) {
            slaPassed = true;
            return true;
        }
        return false;
    }

    /** The conversation is forgotten; true when a clock was still running (an expired cycle). */
    public boolean expire() {
        boolean wasRunning = running();
        phase = Phase.NONE;
        return wasRunning;
    }
}
