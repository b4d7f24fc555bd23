package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import io.touchpoint.pipeline.PipelineCount;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per conversation, drives its {@link ReplyClock} over the events in event-time order ({@link ReplyClock#EVENT_ORDER}):
 * each event waits until the watermark reaches it, so events of one conversation that arrive slightly out of order
 * are still applied in order. An event that arrives after the watermark passed it (late, but accepted by ingest, so
 * within the allowed lateness) rebuilds the clock from its recent events in order; whatever the old history emitted
 * that the rebuilt one does not is sent again marked {@code retracted}, then what only the rebuilt one emits is sent.
 * So the samples, outcomes and clock changes are a function of the set of events alone, whatever order they arrived
 * in. Each event that is not a duplicate (an id seen in this conversation's life, applied or waiting) is forwarded at
 * once, for volume and churn; duplicates are dropped and counted.
 *
 * <p>Side outputs: first-response samples, clock starts and stops for the backlog, and cycle outcomes for churn,
 * including the moment a running clock passes its SLA and expiries (an event-time timer at
 * {@link ReplyClock#nextWakeUp()}).
 *
 * <p>State per conversation, one value (one state access per event and per timer): the clock (with the ids seen in
 * its life) and its {@link ConversationLog}: the events applied within the allowed lateness (plus a minute) of the
 * watermark and the clock as it stood before them, to rebuild from; older events are folded into that base, as no
 * event before them can still arrive. An event older than what was folded (only possible when ingest's watermark
 * was reset by a restart) cannot be put in its place and is dropped and counted as too late, as ingest drops it in an
 * uninterrupted run. The log holds the waiting events too; it is dropped when it holds nothing, the whole state when
 * the conversation has had no event for its lifetime (7 days of event time) and nothing waits. Timers: exactly one
 * per conversation that needs one, at the earliest of its waiting events and its clock's next wake-up; it is
 * replaced, not added to, when that instant moves, so it is derived from the state and needs no state of its own.
 * When it fires, everything of the conversation that the new watermark reached is done at once (its waiting events
 * in order, its wake-ups), so a conversation costs one timer firing per watermark step, not one per event.
 */
public class ReplyClockFunction extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private static final long MINUTE = 60_000L;

    private final String source;
    private final FrtSettings settings;

    private transient ValueState<ReplyClock> clock;

    public ReplyClockFunction(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.settings = settings.withLifetimeMillis(lifetimeMillis);
    }

    @Override
    public void open(OpenContext context) {
        clock = getRuntimeContext().getState(
                new ValueStateDescriptor<>("reply-clock", TypeInformation.of(ReplyClock.class)));
    }

    @Override
    public void processElement(Interaction event, Context ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        ConversationLog log = c.log;
        if (c.isDuplicate(event.eventId, event.occurredAt) || log != null && log.isWaiting(event.eventId)) {
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
            return;
        }
        if (log == null) {
            log = new ConversationLog();
        }
        if (event.occurredAt <= log.foldedThrough(c, settings)) {
            ctx.output(DUPLICATES, tooLate());
            return;
        }
        long timerBefore = nextTimer(c);
        out.collect(event);
        long watermark = ctx.timerService().currentWatermark();
        if (event.occurredAt <= watermark || log.sortsBeforeRecent(event)) {
            ReplyClock rebuilt = rebuild(c, log, event, watermark, ctx);
            rebuilt.log = log;
            store(rebuilt, watermark);
            replaceTimer(timerBefore, nextTimer(rebuilt), ctx);
            return;
        }
        // a copy: with object reuse the input object is overwritten by the next record
        log.hold(event, c.conversationId);
        c.log = log;
        clock.update(c);
        replaceTimer(timerBefore, Math.min(timerBefore, event.occurredAt), ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        // the watermark being advanced to: every timer up to it fires in this step, so all that is due up to it is
        // done now, in event order, as the conversation's separate timers of this step would have done it
        long watermark = Math.max(timestamp, ctx.timerService().currentWatermark());
        ConversationLog log = c.log;
        if (log != null && log.firstWaiting() <= watermark) {
            for (Interaction event : log.takeDue(watermark)) {
                if (log.recent.length == 0) {
                    // the clock was its own base: keep it as it stood, for a late event to be replayed on
                    log.setBase(log.base(c, settings));
                }
                apply(c, event, ctx);
                if (c.seenCount() == 1) {
                    // the event started a new life (or the first): the events of a forgotten one are not rebuilt from
                    log.restart();
                }
                log.applied(event, c);
            }
        }
        // At the end of a bounded run every remaining timer fires at once, and how far the watermark had got before
        // depends on how the partitions interleaved: so every SLA passing and expiry is sent, and the backlog and
        // churn leave out what lies after the run's last event-time minute (they know the run's horizon).
        emit(c.advanceTo(watermark), c, ctx);
        store(c, watermark);
        // the timer that fired is gone; the next one is later (all that was due by this watermark is done)
        long next = nextTimer(c);
        if (next != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    /**
     * Rebuilds the clock with a late event among the recent ones, and sends the difference between what the old
     * history emitted up to the watermark and what the new one emits: retractions first, then the new items. Both
     * histories start from the same base, so what the folded events emitted is the same in both and left out.
     */
    private ReplyClock rebuild(ReplyClock c, ConversationLog log, Interaction late, long watermark, Context ctx) {
        ReplyClock base = log.base(c, settings);
        Interaction[] before = log.recent;
        Interaction[] after = log.recentWith(late, c);
        List<Object> old = new ArrayList<>();
        ReplyClock.replay(log.base(c, settings), before, watermark, settings, (step, r) -> collect(step, r, old));
        List<Object> now = new ArrayList<>();
        ReplyClock rebuilt = ReplyClock.replay(log.base(c, settings), after, watermark, settings,
                (step, r) -> collect(step, r, now));
        List<Object> added = new ArrayList<>(now);
        for (Object item : old) {
            if (!added.remove(item)) {
                output(retraction(item), ctx);
            }
        }
        for (Object item : added) {
            output(item, ctx);
        }
        if (!rebuilt.empty()) {
            rebuilt.seenEventIds = c.seenEventIds;
            rebuilt.markSeen(late.eventId);
        }
        log.setBase(base);
        log.recent = after;
        return rebuilt;
    }

    private ReplyClock current() throws Exception {
        ReplyClock c = clock.value();
        return c == null ? new ReplyClock() : c;
    }

    /**
     * Folds what no event can still precede into the base, drops what is empty, and stores the rest. An event
     * passes ingest only within the allowed lateness of its minute's end behind ingest's watermark, which is at
     * least this one: so none can still arrive at or before {@code watermark - lateness - 1 minute}.
     */
    private void store(ReplyClock c, long watermark) throws Exception {
        ConversationLog log = c.log;
        if (c.empty() && log != null) {
            log.restart();
        }
        if (log != null && watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
            log.foldThrough(watermark - settings.allowedLatenessMillis() - MINUTE, c, settings);
        }
        if (log != null && log.isEmpty()) {
            c.log = null;
        }
        if (c.empty() && c.log == null) {
            clock.clear();
        } else {
            clock.update(c);
        }
    }

    /** The conversation's one timer: its earliest waiting event or its clock's next wake-up, if any. */
    private static long nextTimer(ReplyClock c) {
        long next = c.nextWakeUp();
        return c.log == null ? next : Math.min(next, c.log.firstWaiting());
    }

    private static void replaceTimer(long before, long after, Context ctx) {
        if (before == after) {
            return;
        }
        if (before != Long.MAX_VALUE) {
            ctx.timerService().deleteEventTimeTimer(before);
        }
        if (after != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(after);
        }
    }

    private PipelineCount tooLate() {
        PipelineCount count = new PipelineCount();
        count.source = source;
        count.tooLate = 1;
        return count;
    }

    private void apply(ReplyClock c, Interaction event, Context ctx) {
        ClockStep step = c.apply(event, settings);
        if (step.duplicate()) {
            // duplicates are dropped on arrival; this only guards against a change there
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
        }
        emit(step, c, ctx);
    }

    private static void emit(ClockStep step, ReplyClock c, Context ctx) {
        List<Object> items = new ArrayList<>(3);
        collect(step, c, items);
        for (Object item : items) {
            output(item, ctx);
        }
    }

    /** What a step emits, in order: its outcomes (each with its clock change), the reply, the clock's start. */
    private static void collect(ClockStep step, ReplyClock c, List<Object> items) {
        for (CycleOutcome o : step.outcomes()) {
            items.add(o);
            ClockChange.Kind kind = switch (o.kind) {
                case REPLIED_WITHIN_SLA, REPLIED_AFTER_SLA -> ClockChange.Kind.REPLIED;
                case ABANDONED -> ClockChange.Kind.ABANDONED;
                case EXPIRED -> ClockChange.Kind.EXPIRED;
                case PASSED_SLA_UNANSWERED -> null; // the backlog reads SLA passing from the deadline
            };
            if (kind != null) {
                items.add(ClockChange.of(o.channel, o.conversationId, kind, o.at, o.start, o.slaDeadline));
            }
        }
        if (step.reply() != null) {
            items.add(step.reply());
        }
        if (step.started()) {
            items.add(ClockChange.started(TagValues.channel(c.channel), c.conversationId, c.start, c.slaDeadline));
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

    private static void output(Object item, Context ctx) {
        if (item instanceof CycleOutcome o) {
            ctx.output(OUTCOMES, o);
        } else if (item instanceof ReplySample r) {
            ctx.output(REPLIES, r);
        } else {
            ctx.output(CLOCK_CHANGES, (ClockChange) item);
        }
    }
}
