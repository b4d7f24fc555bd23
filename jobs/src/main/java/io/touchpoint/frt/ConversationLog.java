package io.touchpoint.frt;

import io.touchpoint.avro.InteractionType;
import io.touchpoint.ingest.Interaction;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What a conversation keeps besides its {@link ReplyClock} so that the clock stays a function of the set of its
 * events whatever order they arrive in: the events applied since its <em>base</em> (in {@link ReplyClock#EVENT_ORDER}),
 * the base itself (the clock as it stood before the first of them), and the events waiting for the watermark.
 *
 * <p>An event can arrive at most the allowed lateness (plus the rest of its minute) behind the watermark; the owner
 * folds the applied events older than that into the base ({@link #foldThrough}), so a conversation keeps only the
 * events of the last hour or so, not those of its whole life. When every applied event is folded the base is the
 * clock itself (its cycle as of its latest event, {@link ReplyClock#cycleAsOf}) and nothing is kept here; a
 * conversation with nothing recent and nothing waiting keeps no log at all ({@link #isEmpty}).
 *
 * <p>The copies keep what replaying them needs: time and type; attribution and id only for the events that can start
 * a clock (customer-authored ones and reopens: at the same instant, which of them starts it is decided by id). A
 * waiting event keeps its id too, to drop a duplicate of it on arrival. A Flink POJO (public fields, no-arg
 * constructor).
 */
public class ConversationLog implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Interaction[] NONE = new Interaction[0];

    /** Events applied since the base, in event order. */
    public Interaction[] recent = NONE;
    /** Events held until the watermark reaches them, in event order. */
    public Interaction[] waiting = NONE;

    /** The base while {@link #recent} is not empty; null for an empty clock (nothing folded in this life). */
    public ClockBase base;

    public ConversationLog() {}

    /** Nothing applied since the base and nothing waiting. */
    public boolean isEmpty() {
        return recent.length == 0 && waiting.length == 0;
    }

    /**
     * A fresh copy of the clock this conversation's recent events are replayed from: the stored base, or, with
     * nothing recent, the current clock's cycle as of its latest event. Without the ids seen and without a log.
     */
    ReplyClock base(ReplyClock current, FrtSettings settings) {
        if (recent.length == 0) {
            return current.empty() ? new ReplyClock() : current.cycleAsOf(current.lastEventTime(settings));
        }
        return base == null ? new ReplyClock()
                : base.clock(current.conversationId, base.expiresAt - settings.lifetimeMillis());
    }

    /**
     * The time of the latest event folded into the base: an event at or before it cannot be put in its place any
     * more. {@link Long#MIN_VALUE} when nothing was folded.
     */
    long foldedThrough(ReplyClock current, FrtSettings settings) {
        if (recent.length == 0) {
            return current.lastEventTime(settings);
        }
        return base == null ? Long.MIN_VALUE : base.expiresAt - settings.lifetimeMillis();
    }

    /** Makes {@code clock} the base (its cycle fields; the conversation id is the key's). */
    void setBase(ReplyClock clock) {
        base = clock.empty() ? null : ClockBase.of(clock);
    }

    /** A new life started: nothing before it is replayed. */
    void restart() {
        recent = NONE;
        base = null;
    }

    /**
     * Folds the recent events at or before {@code horizon} into the base: no event that can still arrive sorts
     * before them, so the clock never needs them again, only where they left it.
     */
    void foldThrough(long horizon, ReplyClock current, FrtSettings settings) {
        int folded = 0;
        while (folded < recent.length && recent[folded].occurredAt <= horizon) {
            folded++;
        }
        if (folded == 0) {
            return;
        }
        if (folded == recent.length) {
            // the clock itself is the base now
            recent = NONE;
            base = null;
            return;
        }
        ReplyClock replayed = base(current, settings);
        for (int i = 0; i < folded; i++) {
            replayed.applyInOrder(recent[i], settings);
        }
        setBase(replayed);
        recent = Arrays.copyOfRange(recent, folded, recent.length);
    }

    /** Whether an event with this id waits for the watermark. */
    boolean isWaiting(String eventId) {
        for (Interaction e : waiting) {
            if (e.eventId.equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    /** Holds an event (a copy of its own) until the watermark reaches it. */
    void hold(Interaction e, String conversationId) {
        Interaction copy = copy(e, conversationId);
        waiting = inserted(waiting, copy);
    }

    /** The waiting events at or before {@code watermark}, in event order, and no longer waiting. */
    Interaction[] takeDue(long watermark) {
        int due = 0;
        while (due < waiting.length && waiting[due].occurredAt <= watermark) {
            due++;
        }
        Interaction[] taken = Arrays.copyOf(waiting, due);
        waiting = due == waiting.length ? NONE : Arrays.copyOfRange(waiting, due, waiting.length);
        return taken;
    }

    /** The earliest waiting event's time, or {@link Long#MAX_VALUE}. */
    long firstWaiting() {
        return waiting.length == 0 ? Long.MAX_VALUE : waiting[0].occurredAt;
    }

    /** Whether the event sorts before an event applied since the base. */
    boolean sortsBeforeRecent(Interaction e) {
        return recent.length > 0 && ReplyClock.EVENT_ORDER.compare(e, recent[recent.length - 1]) < 0;
    }

    /** Records an applied event; {@code clock} is the clock it was applied to (its attribution strings are shared). */
    void applied(Interaction e, ReplyClock clock) {
        recent = inserted(recent, slim(e, clock));
    }

    /** The recent events with {@code e} in its place. */
    Interaction[] recentWith(Interaction e, ReplyClock clock) {
        return inserted(recent, slim(e, clock));
    }

    private static Interaction[] inserted(Interaction[] sorted, Interaction e) {
        int at = Arrays.binarySearch(sorted, e, ReplyClock.EVENT_ORDER);
        at = at < 0 ? -at - 1 : at;
        Interaction[] grown = new Interaction[sorted.length + 1];
        System.arraycopy(sorted, 0, grown, 0, at);
        grown[at] = e;
        System.arraycopy(sorted, at, grown, at + 1, sorted.length - at);
        return grown;
    }

    /**
     * What replaying an applied event needs: time and type, and for an event that can start a clock its
     * attribution and id. Strings equal to the clock's are the clock's objects, so a copy adds no string.
     */
    private static Interaction slim(Interaction e, ReplyClock clock) {
        if (startsClock(e.type)) {
            Interaction copy = copy(e, clock.conversationId);
            if (copy.customerId != null && copy.customerId.equals(clock.customerId)) {
                copy.customerId = clock.customerId;
            }
            return copy;
        }
        Interaction copy = new Interaction();
        copy.occurredAt = e.occurredAt;
        copy.type = e.type;
        return copy;
    }

    private static boolean startsClock(InteractionType type) {
        return type == InteractionType.CONVERSATION_OPENED || type == InteractionType.CUSTOMER_MESSAGE
                || type == InteractionType.CONVERSATION_REOPENED;
    }

    private static Interaction copy(Interaction e, String conversationId) {
        Interaction c = new Interaction();
        c.eventId = e.eventId;
        c.occurredAt = e.occurredAt;
        c.channel = e.channel;
        // interned: a centre has few touchpoints
        c.touchpoint = e.touchpoint == null ? null : e.touchpoint.intern();
        c.customerId = e.customerId;
        c.conversationId = conversationId != null && conversationId.equals(e.conversationId) ? conversationId
                : e.conversationId;
        c.type = e.type;
        return c;
    }
}
