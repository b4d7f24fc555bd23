package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
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
 * Per conversation: drops duplicate event ids (counted), forwards each new event at once (for volume and churn),
 * and runs the {@link ReplyClock} over the events in event-time order — each event waits until the watermark
 * reaches it, so events of one conversation that arrive slightly out of order are still applied in order. Events
 * that arrive after the watermark passed them are applied when they arrive.
 *
 * <p>Side outputs: first-response samples, clock starts and stops for the backlog, and cycle outcomes for churn,
 * including the moment a running clock passes its SLA (an event-time timer at the deadline).
 *
 * <p>State per conversation: the event ids seen, the clock, the events waiting for the watermark, and the latest
 * event time. All of it is dropped when the conversation has had no event for its lifetime (7 days of event time);
 * a clock still running then is counted as expired.
 */
public class ReplyClockFunction extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final long lifetimeMillis;
    private final FrtSettings settings;

    private transient MapState<String, Boolean> seen;
    private transient ValueState<ReplyClock> clock;
    private transient MapState<Long, List<Interaction>> waiting;
    private transient ValueState<Long> lastEvent;

    public ReplyClockFunction(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.lifetimeMillis = lifetimeMillis;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.STRING, Types.BOOLEAN));
        clock = getRuntimeContext().getState(
                new ValueStateDescriptor<>("clock", TypeInformation.of(ReplyClock.class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(TypeInformation.of(Interaction.class))));
        lastEvent = getRuntimeContext().getState(new ValueStateDescriptor<>("last-event", Types.LONG));
    }

    @Override
    public void processElement(Interaction event, Context ctx, Collector<Interaction> out) throws Exception {
        if (seen.contains(event.eventId)) {
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
            return;
        }
        seen.put(event.eventId, true);
        out.collect(event);

        Long last = lastEvent.value();
        if (last == null || event.occurredAt > last) {
            lastEvent.update(event.occurredAt);
            ctx.timerService().registerEventTimeTimer(event.occurredAt + lifetimeMillis);
        }
        if (event.occurredAt <= ctx.timerService().currentWatermark()) {
            apply(event, ctx);
            return;
        }
        List<Interaction> atSameTime = waiting.get(event.occurredAt);
        if (atSameTime == null) {
            atSameTime = new ArrayList<>(1);
        }
        atSameTime.add(copy(event));
        waiting.put(event.occurredAt, atSameTime);
        ctx.timerService().registerEventTimeTimer(event.occurredAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
        // The SLA check comes first: a reply at this very instant is already past the target, and the churn
        // pipeline counts each breach once, from PASSED_SLA_UNANSWERED.
        // At the end of a bounded run all remaining timers fire at once: deadlines and expiries after the data are
        // not events of the run, so they are not reported (the state is still cleaned up).
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        ReplyClock c = clock.value();
        if (c != null && !endOfInput && c.passSla(timestamp)) {
            clock.update(c);
            ctx.output(OUTCOMES, outcome(CycleOutcome.Kind.PASSED_SLA_UNANSWERED, c, ctx.getCurrentKey(), timestamp));
        }
        List<Interaction> due = waiting.get(timestamp);
        if (due != null) {
            waiting.remove(timestamp);
            for (Interaction event : due) {
                apply(event, ctx);
            }
        }
        c = clock.value();
        Long last = lastEvent.value();
        if (last != null && timestamp >= last + lifetimeMillis && waiting.isEmpty()) {
            if (c != null && c.expire() && !endOfInput) {
                ctx.output(CLOCK_CHANGES, ClockChange.of(c.channel, ctx.getCurrentKey(), ClockChange.Kind.EXPIRED, timestamp));
                ctx.output(OUTCOMES, outcome(CycleOutcome.Kind.EXPIRED, c, ctx.getCurrentKey(), timestamp));
            }
            seen.clear();
            clock.clear();
            lastEvent.clear();
        }
    }

    private void apply(Interaction event, Context ctx) throws Exception {
        ReplyClock c = clock.value();
        if (c == null) {
            c = new ReplyClock();
        }
        String conversation = ctx.getCurrentKey();
        ReplyClock.Change change = c.apply(event.type, event.occurredAt, TagValues.channel(event.channel), event.touchpoint);
        switch (change) {
            case STARTED -> {
                c.slaDeadline = settings.deadline(event.channel, event.occurredAt);
                c.customerId = event.customerId;
                if (c.slaDeadline != Long.MAX_VALUE) {
                    ctx.timerService().registerEventTimeTimer(c.slaDeadline + 1);
                }
                ctx.output(CLOCK_CHANGES, ClockChange.started(c.channel, conversation, c.start, c.slaDeadline));
            }
            case REPLIED -> {
                Channel channel = Channel.valueOf(c.channel.toUpperCase(java.util.Locale.ROOT));
                double seconds = settings.seconds(channel, c.start, event.occurredAt);
                long target = settings.targetSeconds(channel);
                boolean within = seconds <= target;
                ctx.output(REPLIES, new ReplySample(c.channel, event.occurredAt, seconds, within, target));
                ctx.output(CLOCK_CHANGES, ClockChange.of(c.channel, conversation, ClockChange.Kind.REPLIED,
                        event.occurredAt));
                ctx.output(OUTCOMES, outcome(within ? CycleOutcome.Kind.REPLIED_WITHIN_SLA
                        : CycleOutcome.Kind.REPLIED_AFTER_SLA, c, conversation, event.occurredAt));
            }
            case ABANDONED -> {
                ctx.output(CLOCK_CHANGES, ClockChange.of(c.channel, conversation, ClockChange.Kind.ABANDONED,
                        event.occurredAt));
                ctx.output(OUTCOMES, outcome(CycleOutcome.Kind.ABANDONED, c, conversation, event.occurredAt));
            }
            default -> {
                // no change to report
            }
        }
        clock.update(c);
    }

    private static CycleOutcome outcome(CycleOutcome.Kind kind, ReplyClock c, String conversation, long at) {
        return new CycleOutcome(kind, c.customerId, conversation, c.channel, c.touchpoint, at);
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
