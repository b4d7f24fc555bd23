package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.pipeline.PipelineCount;
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
 * per conversation that needs one, at the earliest of its waiting events, its clock's next wake-up and the instant
 * all its recent events can be folded; it is replaced, not added to, when that instant moves, so it is derived from
 * the state and needs no state of its own. When it fires, everything of the conversation that the new watermark
 * reached is done at once (its waiting events in order, its wake-ups, folding), so a conversation costs at most one
 * timer firing per watermark step.
 *
 * <p>The arithmetic of all this is {@link ConversationClock}'s (plain Java); this function loads and stores the state,
 * forwards, counts, and sets the timer.
 */
public class ReplyClockFunction extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final ConversationClock conversations;

    private transient ValueState<ReplyClock> clock;

    public ReplyClockFunction(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.conversations = new ConversationClock(settings.withLifetimeMillis(lifetimeMillis));
    }

    @Override
    public void open(OpenContext context) {
        clock = getRuntimeContext().getState(
                new ValueStateDescriptor<>("reply-clock", TypeInformation.of(ReplyClock.class)));
    }

    @Override
    public void processElement(Interaction event, Context ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        ConversationClock.Refusal refusal = conversations.refusal(c, event);
        if (refusal != null) {
            PipelineCount count = PipelineCount.duplicate(source);
            if (refusal == ConversationClock.Refusal.TOO_LATE) {
                count.duplicates = 0;
                count.tooLate = 1;
            }
            ctx.output(DUPLICATES, count);
            return;
        }
        long timerBefore = conversations.nextTimer(c);
        out.collect(event);
        long watermark = ctx.timerService().currentWatermark();
        ReplyClock kept = store(conversations.take(c, event, watermark, item -> output(item, ctx)), watermark);
        long timerAfter = conversations.nextTimer(kept);
        if (timerBefore != timerAfter) {
            if (timerBefore != Long.MAX_VALUE) {
                ctx.timerService().deleteEventTimeTimer(timerBefore);
            }
            if (timerAfter != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(timerAfter);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
        ReplyClock c = current();
        // the watermark being advanced to: all that is due up to it is done in this one firing
        long watermark = Math.max(timestamp, ctx.timerService().currentWatermark());
        // At the end of a bounded run every remaining timer fires at once, and how far the watermark had got before
        // depends on how the partitions interleaved: so every SLA passing and expiry is sent, and the backlog and
        // churn leave out what lies after the run's last event-time minute (they know the run's horizon).
        conversations.wake(c, watermark, item -> output(item, ctx));
        // the timer that fired is gone; the next one is later (all that was due by this watermark is done)
        long next = conversations.nextTimer(store(c, watermark));
        if (next != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(next);
        }
    }

    private ReplyClock current() throws Exception {
        ReplyClock c = clock.value();
        return c == null ? new ReplyClock() : c;
    }

    /** Stores what {@link ConversationClock#settle} keeps (clears the state when nothing); returns it. */
    private ReplyClock store(ReplyClock c, long watermark) throws Exception {
        ReplyClock kept = conversations.settle(c, watermark);
        if (kept == null) {
            clock.clear();
        } else {
            clock.update(kept);
        }
        return kept;
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
