package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import io.touchpoint.pipeline.PipelineCount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per conversation, drives its {@link ReplyClock} over the events in event-time order ({@link ReplyClock#EVENT_ORDER}):
 * each event waits until the watermark reaches it, so events of one conversation that arrive slightly out of order
 * are still applied in order. An event that arrives after the watermark passed it (late, but accepted by ingest, so
 * within the allowed lateness) rebuilds the clock from all the conversation's events in order; whatever the old
 * history emitted that the rebuilt one does not is sent again marked {@code retracted}, then what only the rebuilt one
 * emits is sent. So the samples, outcomes and clock changes are a function of the set of events alone, whatever
 * order they arrived in. Each event that is not a duplicate (an id seen in this conversation's life, applied or
 * waiting) is forwarded at once, for volume and churn; duplicates are dropped and counted.
 *
 * <p>Side outputs: first-response samples, clock starts and stops for the backlog, and cycle outcomes for churn,
 * including the moment a running clock passes its SLA and expiries (an event-time timer at
 * {@link ReplyClock#nextWakeUp()}).
 *
 * <p>State per conversation: the clock (which holds the event ids seen), the events applied in its current life
 * (to rebuild it from) and the events waiting for the watermark. The clock and the applied events are dropped when
 * the conversation has had no event for its lifetime (7 days of event time); waiting events leave as their time
 * comes. Timers: exactly one per conversation that needs one, at the earliest of its waiting events and its clock's
 * next wake-up; it is replaced, not added to, when that instant moves (one timer per event and per expiry extension
 * made the timer queue the job's hottest code), so it is derived from the state and needs no state of its own.
 */
public class ReplyClockFunction extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final FrtSettings settings;

    private transient ValueState<ReplyClock> clock;
    private transient ValueState<List<Interaction>> applied;
    private transient MapState<Long, List<Interaction>> waiting;

    public ReplyClockFunction(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.settings = settings.withLifetimeMillis(lifetimeMillis);
    }

    @Override
    public void open(OpenContext context) {
        clock = getRuntimeContext().getState(
                new ValueStateDescriptor<>("reply-clock", TypeInformation.of(ReplyClock.class)));
        applied = getRuntimeContext().getState(new ValueStateDescriptor<>("applied-events",
                Types.LIST(TypeInformation.of(Interaction.class))));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(TypeInformation.of(Interaction.class))));
    }

    @Override
    public void processElement(Interaction event, Context ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        if (c.isDuplicate(event.eventId, event.occurredAt) || isWaiting(event.eventId)) {
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
            return;
        }
        long timerBefore = nextTimer(c);
        // a copy: with object reuse the input object is overwritten by the next record
        Interaction held = copy(event);
        out.collect(event);
        long watermark = ctx.timerService().currentWatermark();
        if (held.occurredAt <= watermark) {
            ReplyClock rebuilt = rebuild(held, watermark, ctx);
            store(rebuilt);
            replaceTimer(timerBefore, nextTimer(rebuilt), ctx);
            return;
        }
        List<Interaction> atSameTime = waiting.get(held.occurredAt);
        if (atSameTime == null) {
            atSameTime = new ArrayList<>(1);
        }
        atSameTime.add(held);
        waiting.put(held.occurredAt, atSameTime);
        replaceTimer(timerBefore, Math.min(timerBefore, held.occurredAt), ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        List<Interaction> due = waiting.get(timestamp);
        if (due != null) {
            waiting.remove(timestamp);
            due.sort(ReplyClock.EVENT_ORDER);
            List<Interaction> events = appliedEvents();
            for (Interaction event : due) {
                apply(c, event, ctx);
                if (c.seenCount() == 1) {
                    // the event started a new life (or the first): the events of a forgotten one are not rebuilt from
                    events.clear();
                }
                events.add(event);
            }
            applied.update(events);
        }
        // At the end of a bounded run every remaining timer fires at once, and how far the watermark had got before
        // depends on how the partitions interleaved: so every SLA passing and expiry is sent, and the backlog and
        // churn leave out what lies after the run's last event-time minute (they know the run's horizon).
        emit(c.advanceTo(timestamp), c, ctx);
        store(c);
        // the timer that fired is gone; the next one is later (this instant's events and wake-up are done)
        long next = nextTimer(c);
        if (next != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    /**
     * Rebuilds the clock with a late event among the applied ones, and sends the difference between what the old
     * history emitted up to the watermark and what the new one emits: retractions first, then the new items.
     */
    private ReplyClock rebuild(Interaction late, long watermark, Context ctx) throws Exception {
        List<Interaction> before = appliedEvents();
        List<Interaction> after = new ArrayList<>(before.size() + 1);
        after.addAll(before);
        int at = Collections.binarySearch(after, late, ReplyClock.EVENT_ORDER);
        after.add(at < 0 ? -at - 1 : at, late);
        List<Object> old = new ArrayList<>();
        ReplyClock.replay(before, watermark, settings, (step, c) -> collect(step, c, old));
        List<Object> now = new ArrayList<>();
        ReplyClock rebuilt = ReplyClock.replay(after, watermark, settings, (step, c) -> collect(step, c, now));
        List<Object> added = new ArrayList<>(now);
        for (Object item : old) {
            if (!added.remove(item)) {
                output(retraction(item), ctx);
            }
        }
        for (Object item : added) {
            output(item, ctx);
        }
        applied.update(after);
        return rebuilt;
    }

    private List<Interaction> appliedEvents() throws Exception {
        List<Interaction> events = applied.value();
        return events == null ? new ArrayList<>() : events;
    }

    private ReplyClock current() throws Exception {
        ReplyClock c = clock.value();
        return c == null ? new ReplyClock() : c;
    }

    private void store(ReplyClock c) throws Exception {
        if (c.empty()) {
            clock.clear();
            applied.clear();
        } else {
            clock.update(c);
        }
    }

    /** The conversation's one timer: its earliest waiting event or its clock's next wake-up, if any. */
    private long nextTimer(ReplyClock c) throws Exception {
        long next = c.nextWakeUp();
        for (Long at : waiting.keys()) {
            next = Math.min(next, at);
        }
        return next;
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

    private boolean isWaiting(String eventId) throws Exception {
        for (List<Interaction> events : waiting.values()) {
            for (Interaction e : events) {
                if (e.eventId.equals(eventId)) {
                    return true;
                }
            }
        }
        return false;
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

    private static Interaction copy(Interaction e) {
        Interaction c = new Interaction();
        c.eventId = e.eventId;
        c.occurredAt = e.occurredAt;
        c.channel = e.channel;
        c.touchpoint = e.touchpoint;
        c.customerId = e.customerId;
        c.conversationId = e.conversationId;
        c.type = e.type;
        c.agentId = e.agentId;
        c.sentiment = e.sentiment;
        return c;
    }
}
