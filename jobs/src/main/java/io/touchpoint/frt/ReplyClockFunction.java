package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.ingest.TagValues;
import io.touchpoint.pipeline.PipelineCount;
import java.util.ArrayList;
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
 * Per conversation, drives its {@link ReplyClock} over the events in event-time order: each event waits until the
 * watermark reaches it, so events of one conversation that arrive slightly out of order are still applied in
 * order; an event that arrives after the watermark passed it is applied at once. Each event that is not a
 * duplicate (an id seen in this conversation's life, applied or waiting) is forwarded at once, for volume and
 * churn; duplicates are dropped and counted.
 *
 * <p>Side outputs: first-response samples, clock starts and stops for the backlog, and cycle outcomes for churn,
 * including the moment a running clock passes its SLA and expiries (an event-time timer at
 * {@link ReplyClock#nextWakeUp()}).
 *
 * <p>State per conversation: the clock (which holds the event ids seen) and the events waiting for the watermark.
 * The clock is dropped when the conversation has had no event for its lifetime (7 days of event time); waiting
 * events leave as their time comes. Timers: exactly one per conversation that needs one, at the earliest of its
 * waiting events and its clock's next wake-up; it is replaced, not added to, when that instant moves (one timer per
 * event and per expiry extension made the timer queue the job's hottest code), so it is derived from the state and
 * needs no state of its own.
 */
public class ReplyClockFunction extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final FrtSettings settings;

    private transient ValueState<ReplyClock> clock;
    private transient MapState<Long, List<Interaction>> waiting;

    public ReplyClockFunction(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.settings = settings.withLifetimeMillis(lifetimeMillis);
    }

    @Override
    public void open(OpenContext context) {
        clock = getRuntimeContext().getState(
                new ValueStateDescriptor<>("reply-clock", TypeInformation.of(ReplyClock.class)));
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
        if (event.occurredAt <= ctx.timerService().currentWatermark()) {
            out.collect(event);
            apply(c, event, ctx);
            store(c);
            replaceTimer(timerBefore, nextTimer(c), ctx);
            return;
        }
        // a copy: with object reuse the input object is overwritten by the next record
        Interaction held = copy(event);
        out.collect(event);
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
            for (Interaction event : due) {
                apply(c, event, ctx);
            }
        }
        ClockStep step = c.advanceTo(timestamp);
        // At the end of a bounded run every remaining timer fires at once: an SLA passing or an expiry after the
        // data is not an event of the run, so it is not reported (the state is still cleaned up).
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            emit(step, c, ctx);
        }
        store(c);
        // the timer that fired is gone; the next one is later (this instant's events and wake-up are done)
        long next = nextTimer(c);
        if (next != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    private ReplyClock current() throws Exception {
        ReplyClock c = clock.value();
        return c == null ? new ReplyClock() : c;
    }

    private void store(ReplyClock c) throws Exception {
        if (c.empty()) {
            clock.clear();
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
        for (CycleOutcome o : step.outcomes()) {
            ctx.output(OUTCOMES, o);
            ClockChange.Kind kind = switch (o.kind) {
                case REPLIED_WITHIN_SLA, REPLIED_AFTER_SLA -> ClockChange.Kind.REPLIED;
                case ABANDONED -> ClockChange.Kind.ABANDONED;
                case EXPIRED -> ClockChange.Kind.EXPIRED;
                case PASSED_SLA_UNANSWERED -> null; // the backlog reads SLA passing from the deadline
            };
            if (kind != null) {
                ctx.output(CLOCK_CHANGES, ClockChange.of(o.channel, o.conversationId, kind, o.at));
            }
        }
        if (step.reply() != null) {
            ctx.output(REPLIES, step.reply());
        }
        if (step.started()) {
            ctx.output(CLOCK_CHANGES,
                    ClockChange.started(TagValues.channel(c.channel), c.conversationId, c.start, c.slaDeadline));
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
