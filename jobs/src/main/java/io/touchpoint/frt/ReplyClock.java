package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The reply clock of one conversation (SPEC §4.3), fed that conversation's events in event-time order.
 *
 * <ul>
 *   <li>A cycle's clock starts at its first customer-authored event (CONVERSATION_OPENED or CUSTOMER_MESSAGE) and is
 *       attributed to that event's channel, touchpoint and customer. Further customer messages while it runs keep
 *       the original start: the customer has been waiting since then.
 *   <li>The first AGENT_MESSAGE at or after the start stops it: one {@link ReplySample}. BOT_MESSAGE, INTERNAL_NOTE
 *       and all other types never stop it. An agent message with no running clock changes nothing.
 *   <li>CONVERSATION_RESOLVED or CUSTOMER_ABANDONED while the clock runs ends the cycle as ABANDONED (no sample).
 *   <li>CONVERSATION_REOPENED starts a new cycle with the clock at the reopen's time. A reopen while a clock
 *       already runs keeps that clock (nobody has answered yet). A customer-authored event after the cycle was
 *       resolved or abandoned also starts a new cycle: the customer is waiting again.
 *   <li>The SLA target is counted in the channel's business hours when it has a calendar, else wall-clock, for
 *       both the reply's {@code withinSla} and the PASSED_SLA_UNANSWERED outcome; see {@link #slaDeadline}.
 *   <li>After the lifetime (7 days by default) without an event the conversation is forgotten: a running clock
 *       counts as EXPIRED, and a later event starts afresh as a new conversation.
 *   <li>An event id seen before in this conversation is dropped and reported as a duplicate.
 * </ul>
 *
 * <p>Time moves through {@link #apply} (an event) and {@link #advanceTo} (a timer of the owner, at
 * {@link #nextWakeUp()}). Both first emit whatever became due before that instant, so the outcomes do not depend
 * on whether a timer or a late-arriving event got there first.
 *
 * <p>State, one per conversation (a Flink POJO: public fields, no-arg constructor): the ids of the events seen,
 * the phase of the current cycle, and its clock; and, kept by the owner, the {@link ConversationLog} of its recent
 * and waiting events. All of it is cleared when the conversation is forgotten ({@link #expiresAt}), which bounds the
 * set of seen ids by the conversation's life.
 */
public class ReplyClock implements Serializable {

    private static final long serialVersionUID = 2L;
    private static final long[] NONE_SEEN = new long[0];

    /*
     * Where the current cycle stands, a byte (an enum reference would make every open conversation 8 bytes bigger):
     * NEW: no cycle yet; WAITING: the clock runs, a customer waits for a first reply; ANSWERED: an agent replied,
     * follow-up messages do not start a new clock; CLOSED: resolved or abandoned, the next customer-authored event or
     * reopen starts a new cycle.
     */
    static final byte NEW = 0;
    static final byte WAITING = 1;
    static final byte ANSWERED = 2;
    static final byte CLOSED = 3;
    private static final String[] PHASES = {"NEW", "WAITING", "ANSWERED", "CLOSED"};

    /** {@link #NEW}, {@link #WAITING}, {@link #ANSWERED} or {@link #CLOSED}. */
    public byte phase = NEW;
    /**
     * 64-bit hashes of the event ids of this conversation seen so far, in the order seen. A hash instead of the id
     * keeps an open conversation small (8 bytes per event instead of a string and a hash-set node, about 150); two
     * ids of one conversation sharing a 64-bit hash is as unlikely as a hardware error.
     */
    public long[] seenEventIds = NONE_SEEN;
    /** When the conversation is forgotten: latest event time + lifetime; {@link Long#MAX_VALUE} before any event. */
    public long expiresAt = Long.MAX_VALUE;

    /** The current cycle's clock: start (epoch ms) and attribution, from the event that started it. */
    public long start;
    public Channel channel;
    public String touchpoint;
    public String customerId;
    public String conversationId;
    /**
     * The last instant at which the running clock is still within its SLA target; it has passed the SLA at any
     * later instant. With a calendar: the end of the moment the open time reaches the target (if that is a closing
     * time, the next opening: a reply before then still counts as within). {@link Long#MAX_VALUE} if never.
     */
    public long slaDeadline = Long.MAX_VALUE;
    /** PASSED_SLA_UNANSWERED was emitted for the current cycle. */
    public boolean slaPassed;
    /**
     * The events kept to rebuild this clock from when one arrives out of order, and those waiting for the
     * watermark; null when there are none (the owner keeps it, see {@link ConversationLog}).
     */
    public ConversationLog log;

    /**
     * The order in which a conversation's events are applied: event time; at the same instant customer-authored
     * events first (a reply at the very millisecond of the opening answers it), then agent replies, other events,
     * and the ends of a cycle last; then the event id, so the order never depends on arrival. (Copies kept only to be
     * replayed have no id unless they can start a clock: two agent replies, two other events or two ends at the same
     * instant have the same effect in either order.)
     */
    public static final Comparator<Interaction> EVENT_ORDER = Comparator
            .comparingLong((Interaction e) -> e.occurredAt)
            .thenComparingInt(ReplyClock::rank)
            .thenComparing(e -> e.eventId, Comparator.nullsFirst(Comparator.naturalOrder()));

    public ReplyClock() {}

    private static int rank(Interaction e) {
        return switch (e.type) {
            case CONVERSATION_OPENED -> 0;
            case CONVERSATION_REOPENED -> 1;
            case CUSTOMER_MESSAGE -> 2;
            case AGENT_MESSAGE -> 3;
            case CONVERSATION_RESOLVED, CUSTOMER_ABANDONED -> 5;
            default -> 4;
        };
    }

    /**
     * The clock of a conversation rebuilt from scratch: its events applied in {@link #EVENT_ORDER} (they must be
     * sorted so, with no duplicate ids), then time moved to {@code until}. Every step is handed to {@code steps} in
     * order with the clock right after it, so the owner can compare what this history emits with what another one
     * emitted.
     */
    public static ReplyClock replay(List<Interaction> sorted, long until, FrtSettings settings,
            BiConsumer<ClockStep, ReplyClock> steps) {
        ReplyClock clock = new ReplyClock();
        for (Interaction e : sorted) {
            steps.accept(clock.apply(e, settings), clock);
        }
        steps.accept(clock.advanceTo(until), clock);
        return clock;
    }

    /**
     * Replays events on a clock (a base, {@link ConversationLog}): applies them in order without looking at their
     * ids (they are distinct, and copies kept for replaying may have none), then moves time to {@code until}; every
     * step is handed to {@code steps} with the clock right after it.
     */
    static ReplyClock replay(ReplyClock from, Interaction[] sorted, long until, FrtSettings settings,
            BiConsumer<ClockStep, ReplyClock> steps) {
        for (Interaction e : sorted) {
            steps.accept(from.applyInOrder(e, settings), from);
        }
        steps.accept(from.advanceTo(until), from);
        return from;
    }

    /** Applies one event of this conversation. */
    public ClockStep apply(Interaction e, FrtSettings settings) {
        ClockStep step = new ClockStep();
        advance(e.occurredAt, step);
        step.markForgotten(false);
        long id = idHash(e.eventId);
        if (seen(id)) {
            step.markDuplicate();
            return step;
        }
        // exactly sized: a conversation has a handful of events, and spare capacity would be most of its state
        seenEventIds = Arrays.copyOf(seenEventIds, seenEventIds.length + 1);
        seenEventIds[seenEventIds.length - 1] = id;
        change(e, settings, step);
        return step;
    }

    /** Applies an event known to be new, without recording its id: for replaying kept copies. */
    ClockStep applyInOrder(Interaction e, FrtSettings settings) {
        ClockStep step = new ClockStep();
        advance(e.occurredAt, step);
        step.markForgotten(false);
        change(e, settings, step);
        return step;
    }

    private void change(Interaction e, FrtSettings settings, ClockStep step) {
        long t = e.occurredAt;
        long expiry = t + settings.lifetimeMillis();
        expiresAt = expiresAt == Long.MAX_VALUE ? expiry : Math.max(expiresAt, expiry);

        switch (e.type) {
            case CONVERSATION_OPENED, CUSTOMER_MESSAGE -> {
                if (phase == NEW || phase == CLOSED) {
                    startClock(e, settings, step);
                }
            }
            case CONVERSATION_REOPENED -> {
                if (phase != WAITING) {
                    startClock(e, settings, step);
                }
            }
            case AGENT_MESSAGE -> {
                if (phase == WAITING && t >= start) {
                    reply(t, settings, step);
                }
            }
            case CONVERSATION_RESOLVED, CUSTOMER_ABANDONED -> {
                if (phase == WAITING) {
                    step.outcome(outcome(CycleOutcome.Kind.ABANDONED, t));
                }
                phase = CLOSED;
            }
            default -> {
                // bot messages, internal notes, cancellations, other: no effect on the clock
            }
        }
    }

    /**
     * Moves time to {@code now} without an event: emits PASSED_SLA_UNANSWERED if the running clock passed its
     * target by then, and EXPIRED plus {@link ClockStep#forgotten()} if the conversation's lifetime is over.
     */
    public ClockStep advanceTo(long now) {
        ClockStep step = new ClockStep();
        advance(now, step);
        return step;
    }

    private void advance(long now, ClockStep step) {
        long passesAt = slaPassesAt();
        if (passesAt <= now && passesAt <= expiresAt) {
            slaPassed = true;
            step.outcome(outcome(CycleOutcome.Kind.PASSED_SLA_UNANSWERED, passesAt));
        }
        if (now >= expiresAt) {
            if (phase == WAITING) {
                step.outcome(outcome(CycleOutcome.Kind.EXPIRED, expiresAt));
            }
            forget();
            step.markForgotten(true);
        }
    }

    /**
     * Whether {@link #apply} would drop an event with this id at this event time as a duplicate: the id was seen in
     * the conversation's current life. Lets an owner that holds events back (to apply them in event-time order)
     * forward or drop them as they arrive.
     */
    public boolean isDuplicate(String eventId, long at) {
        return at < expiresAt && seen(idHash(eventId));
    }

    /** Records an id as seen in the conversation's current life (an event applied by replaying it). */
    void markSeen(String eventId) {
        long id = idHash(eventId);
        if (!seen(id)) {
            seenEventIds = Arrays.copyOf(seenEventIds, seenEventIds.length + 1);
            seenEventIds[seenEventIds.length - 1] = id;
        }
    }

    /** Whether an event with this id was seen in the conversation's current life. */
    public boolean seen(String eventId) {
        return seen(idHash(eventId));
    }

    /** The number of distinct event ids seen in the conversation's current life. */
    public int seenCount() {
        return seenEventIds.length;
    }

    private boolean seen(long id) {
        for (long s : seenEventIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    /** A 64-bit hash of an id: polynomial over its chars, then MurmurHash3's finaliser to spread the bits. */
    static long idHash(String id) {
        long h = 1_125_899_906_842_597L;
        for (int i = 0; i < id.length(); i++) {
            h = 31 * h + id.charAt(i);
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** A clock is running: a customer waits for a first reply (counted by the backlog gauge). */
    public boolean running() {
        return phase == WAITING;
    }

    /**
     * The instant at which the running clock passes its SLA unanswered ({@code slaDeadline + 1} ms), or
     * {@link Long#MAX_VALUE} when no clock runs, it has already passed, or it never will.
     */
    public long slaPassesAt() {
        if (phase != WAITING || slaPassed || slaDeadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return slaDeadline + 1;
    }

    /** When the owner should call {@link #advanceTo} next: the SLA passing or the expiry, whichever is first. */
    public long nextWakeUp() {
        return Math.min(slaPassesAt(), expiresAt);
    }

    /** True before the first event and after the conversation was forgotten: nothing worth keeping. */
    public boolean empty() {
        return expiresAt == Long.MAX_VALUE;
    }

    /** The time of the latest event of the conversation's current life, {@link Long#MIN_VALUE} before any. */
    long lastEventTime(FrtSettings settings) {
        return empty() ? Long.MIN_VALUE : expiresAt - settings.lifetimeMillis();
    }

    /**
     * Whether the running clock has passed its SLA by {@code time} (no event since): then PASSED_SLA_UNANSWERED
     * was emitted for it, as {@link #advanceTo} emits it at the passing unless the conversation was forgotten first.
     */
    boolean slaPassedAsOf(long time) {
        return phase == WAITING && slaDeadline != Long.MAX_VALUE && slaDeadline + 1 <= Math.min(time, expiresAt);
    }

    /**
     * A copy of the current cycle as it stood at {@code time}, which lies between its latest event and any event
     * still to come: the same clock, with only the SLA passing undone if it came later. Without the ids seen and
     * without the log: a base to replay events on.
     */
    ReplyClock cycleAsOf(long time) {
        return ClockBase.of(this).clock(conversationId, time);
    }

    private void startClock(Interaction e, FrtSettings settings, ClockStep step) {
        phase = WAITING;
        start = e.occurredAt;
        channel = e.channel;
        // interned: a centre has few touchpoints and many open conversations
        touchpoint = e.touchpoint == null ? null : e.touchpoint.intern();
        customerId = e.customerId;
        // keep the first object: it is the one the state backend holds as the key, so the clock adds no copy
        if (!e.conversationId.equals(conversationId)) {
            conversationId = e.conversationId;
        }
        slaDeadline = settings.slaDeadline(e.channel, e.occurredAt);
        slaPassed = false;
        step.markStarted();
    }

    private void reply(long stop, FrtSettings settings, ClockStep step) {
        ReplySample s = new ReplySample();
        s.channel = TagValues.channel(channel);
        s.touchpoint = touchpoint;
        s.customerId = customerId;
        s.conversationId = conversationId;
        s.start = start;
        s.stop = stop;
        s.frtSeconds = settings.countedSeconds(channel, start, stop);
        s.slaTargetSeconds = settings.targetSeconds(channel);
        s.withinSla = s.frtSeconds <= s.slaTargetSeconds;
        phase = ANSWERED;
        step.reply(s);
        step.outcome(outcome(s.withinSla ? CycleOutcome.Kind.REPLIED_WITHIN_SLA : CycleOutcome.Kind.REPLIED_AFTER_SLA,
                stop));
    }

    private CycleOutcome outcome(CycleOutcome.Kind kind, long at) {
        CycleOutcome o = new CycleOutcome(kind, customerId, conversationId, TagValues.channel(channel), touchpoint, at);
        o.start = start;
        o.slaDeadline = slaDeadline;
        return o;
    }

    private void forget() {
        phase = NEW;
        seenEventIds = NONE_SEEN;
        expiresAt = Long.MAX_VALUE;
        start = 0;
        channel = null;
        touchpoint = null;
        customerId = null;
        conversationId = null;
        slaDeadline = Long.MAX_VALUE;
        slaPassed = false;
    }

    @Override
    public String toString() {
        return "ReplyClock{" + PHASES[phase] + " start=" + start + ' ' + channel + '/' + touchpoint + " deadline=" + slaDeadline
                + " passed=" + slaPassed + " expiresAt=" + expiresAt + " seen=" + seenEventIds.length + '}';
    }
}
