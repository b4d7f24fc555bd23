package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the reply-clock operator ({@link ReplyClockOperator}) does with one conversation's state, in plain Java: the
 * operator loads the state, calls these, stores what {@link #settle} returns and keeps the one wake-up at
 * {@link #nextDue}. The state is a {@link ReplyClock} with its {@link ConversationLog}.
 *
 * <ul>
 *   <li>{@link #take}: an event ahead of the watermark waits in the log; one at or behind it (late, or after a
 *       restart sorting before what was applied) rebuilds the clock from its base and recent events, and the
 *       difference between the old and the new history is emitted (retractions first).
 *   <li>{@link #wake}: the waiting events the watermark reached are applied in event order, then time moves to the
 *       watermark (SLA passings, expiry).
 *   <li>{@link #settle}: the recent events that no event can still precede are folded into the base; what is empty
 *       is dropped.
 * </ul>
 *
 * <p>Items are emitted as {@link CycleOutcome}, {@link ReplySample} and {@link ClockChange}, in the order a
 * conversation's steps produce them.
 */
public final class ConversationClock implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;

    /** Why an event is not taken. */
    public enum Refusal {
        /** Its id was seen in this conversation's life, or waits already. */
        DUPLICATE,
        /** It sorts before events already folded into the base: it can no longer be put in its place. */
        TOO_LATE
    }

    private final FrtSettings settings;

    public ConversationClock(FrtSettings settings) {
        this.settings = settings;
    }

    public FrtSettings settings() {
        return settings;
    }

    /**
     * Null if the event is to be taken, else why not. An event at or before the latest folded one can only pass
     * ingest after a restart reset ingest's watermark; in an uninterrupted run ingest drops it as too late.
     */
    public Refusal refusal(ReplyClock c, Interaction e) {
        ConversationLog log = c.log;
        if (c.isDuplicate(e.eventId, e.occurredAt) || log != null && log.isWaiting(e.eventId)) {
            return Refusal.DUPLICATE;
        }
        long foldedThrough = log == null ? c.lastEventTime(settings) : log.foldedThrough(c, settings);
        return e.occurredAt <= foldedThrough ? Refusal.TOO_LATE : null;
    }

    /** Takes an event that {@link #refusal} let through; returns the clock to keep (a rebuilt one for a late event). */
    public ReplyClock take(ReplyClock c, Interaction e, long watermark, Consumer<Object> out) {
        ConversationLog log = c.log == null ? new ConversationLog() : c.log;
        c.log = log;
        if (e.occurredAt <= watermark || log.sortsBeforeRecent(e)) {
            ReplyClock rebuilt = rebuild(c, log, e, watermark, out);
            rebuilt.log = log;
            return rebuilt;
        }
        // a copy: with object reuse the input object is overwritten by the next record
        log.hold(e, c.conversationId);
        return c;
    }

    /**
     * Applies the waiting events the watermark reached, in event order, then moves time to the watermark. Every
     * timer up to a watermark fires in the same step, so doing all of a conversation's due work in one call gives
     * what its separate timers of that step would have given, in the same order.
     */
    public void wake(ReplyClock c, long watermark, Consumer<Object> out) {
        ConversationLog log = c.log;
        if (log != null && log.firstWaiting() <= watermark) {
            for (Interaction e : log.takeDue(watermark)) {
                if (log.recent.length == 0) {
                    // the clock was its own base: keep it as it stood, for a late event to be replayed on
                    log.setBase(log.base(c, settings));
                }
                ClockStep step = c.apply(e, settings);
                collect(step, c, out);
                if (c.seenCount() == 1) {
                    // the event started a new life (or the first): the events of a forgotten one are not rebuilt from
                    log.restart();
                }
                log.applied(e, c);
            }
        }
        collect(c.advanceTo(watermark), c, out);
    }

    /**
     * Folds what no event can still precede into the base and drops what is empty: returns the state to keep, or
     * null when nothing is worth keeping. An event passes ingest only within the allowed lateness of its minute's
     * end behind ingest's watermark, which is at least this one: so none can arrive at or before
     * {@code watermark - lateness - 1 minute}.
     */
    public ReplyClock settle(ReplyClock c, long watermark) {
        ConversationLog log = c.log;
        if (log != null) {
            if (c.empty()) {
                log.restart();
            }
            long margin = settings.allowedLatenessMillis() + MINUTE;
            if (watermark == Long.MAX_VALUE) {
                // the end of the input: nothing can arrive any more
                log.foldThrough(Long.MAX_VALUE, c, settings);
            } else if (watermark >= Long.MIN_VALUE + margin) {
                log.foldThrough(watermark - margin, c, settings);
            }
            if (log.isEmpty()) {
                c.log = null;
            }
        }
        return c.empty() && c.log == null ? null : c;
    }

    /**
     * When the conversation is next due (its one wake-up, see {@link ReplyClockOperator}): its earliest waiting
     * event, its clock's next wake-up, or when all its recent events can be folded (so that a quiet conversation does
     * not keep its events until its expiry; a busy one folds its older events whenever it is touched);
     * {@link Long#MAX_VALUE} for none. Folding at the oldest instead cost one more wake-up per event (1.85 instead of
     * 1.13 million timer firings for the million events of the scale-50 bench).
     */
    public long nextDue(ReplyClock c) {
        long next = c == null ? Long.MAX_VALUE : c.nextWakeUp();
        if (c == null || c.log == null) {
            return next;
        }
        long foldAt = c.log.recent.length == 0 ? Long.MAX_VALUE
                : c.log.recent[c.log.recent.length - 1].occurredAt + settings.allowedLatenessMillis() + MINUTE;
        return Math.min(next, Math.min(foldAt, c.log.firstWaiting()));
    }

    /**
     * Rebuilds the clock with a late event among the recent ones, and emits the difference between what the old
     * history emitted up to the watermark and what the new one emits: retractions first, then the new items. Both
     * histories start from the same base, so what the folded events emitted is the same in both and left out.
     */
    private ReplyClock rebuild(ReplyClock c, ConversationLog log, Interaction late, long watermark,
            Consumer<Object> out) {
        ReplyClock base = log.base(c, settings);
        Interaction[] before = log.recent;
        Interaction[] after = log.recentWith(late, c);
        List<Object> old = new ArrayList<>();
        ReplyClock.replay(log.base(c, settings), before, watermark, settings, (step, r) -> collect(step, r, old::add));
        List<Object> now = new ArrayList<>();
        ReplyClock rebuilt = ReplyClock.replay(log.base(c, settings), after, watermark, settings,
                (step, r) -> collect(step, r, now::add));
        List<Object> added = new ArrayList<>(now);
        for (Object item : old) {
            if (!added.remove(item)) {
                out.accept(retraction(item));
            }
        }
        added.forEach(out);
        if (!rebuilt.empty()) {
            rebuilt.seenEventIds = c.seenEventIds;
            rebuilt.markSeen(late.eventId);
        }
        log.setBase(base);
        log.recent = after;
        return rebuilt;
    }

    /** What a step emits, in order: its outcomes (each with its clock change), the reply, the clock's start. */
    private static void collect(ClockStep step, ReplyClock c, Consumer<Object> items) {
        for (CycleOutcome o : step.outcomes()) {
            items.accept(o);
            ClockChange.Kind kind = switch (o.kind) {
                case REPLIED_WITHIN_SLA, REPLIED_AFTER_SLA -> ClockChange.Kind.REPLIED;
                case ABANDONED -> ClockChange.Kind.ABANDONED;
                case EXPIRED -> ClockChange.Kind.EXPIRED;
                case PASSED_SLA_UNANSWERED -> null; // the backlog reads SLA passing from the deadline
            };
            if (kind != null) {
                items.accept(ClockChange.of(o.channel, o.conversationId, kind, o.at, o.start, o.slaDeadline));
            }
        }
        if (step.reply() != null) {
            items.accept(step.reply());
        }
        if (step.started()) {
            items.accept(ClockChange.started(TagValues.channel(c.channel), c.conversationId, c.start, c.slaDeadline));
        }
    }

    private static Object retraction(Object item) {
        if (item instanceof CycleOutcome o) {
            return o.retraction();
        }
        if (item instanceof ReplySample r) {
            return r.retraction();
        }
        return ((ClockChange) item).retraction();
    }
}
