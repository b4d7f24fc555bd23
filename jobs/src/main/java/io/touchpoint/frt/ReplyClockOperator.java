package io.touchpoint.frt;

import io.touchpoint.backlog.ClockChange;
import io.touchpoint.ingest.Interaction;
import io.touchpoint.pipeline.PipelineCount;
import io.touchpoint.window.WakeUps;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 * including the moment a running clock passes its SLA and expiries (at {@link ReplyClock#nextWakeUp()}).
 *
 * <p>State per conversation, one value (one state access per event and per wake-up): the clock (with the ids seen in
 * its life) and its {@link ConversationLog}: the events applied within the allowed lateness (plus a minute) of the
 * watermark and the clock as it stood before them, to rebuild from; older events are folded into that base, as no
 * event before them can still arrive. An event older than what was folded (only possible when ingest's watermark
 * was reset by a restart) cannot be put in its place and is dropped and counted as too late, as ingest drops it in an
 * uninterrupted run. The log holds the waiting events too; it is dropped when it holds nothing, the whole state when
 * the conversation has had no event for its lifetime (7 days of event time) and nothing waits.
 *
 * <p>Wake-ups: each conversation that needs one has exactly one instant at which it is next due, derived from its
 * state ({@link ConversationClock#nextDue}: the earliest of its waiting events, its clock's next wake-up and the
 * instant all its recent events can be folded). When a watermark reaches it, everything of the conversation that the
 * watermark reached is done at once (its waiting events in order, its wake-ups, folding), so a conversation is woken
 * at most once per watermark step. The instants are kept in {@link WakeUps}, not in Flink's timer service: almost
 * every event moves its conversation's instant (it is held until the watermark reaches it), and each move was a
 * delete and an insert in a heap of one timer per conversation of the last week, the top of the profile at 50 times
 * today's traffic. An instant that moved leaves a stale entry, skipped when it comes due (it is no longer what the
 * state derives): mostly fold instants, an hour ahead; a conversation that falls quiet several times within its
 * lifetime also leaves one expiry entry (a week ahead, 12 bytes and an array slot) per quiet spell until that
 * instant passes. The entries are not checkpointed: on restore they are derived again from every conversation's
 * state.
 *
 * <p>The arithmetic of all this is {@link ConversationClock}'s (plain Java); this operator loads and stores the state,
 * forwards, counts, and keeps the wake-ups.
 */
public class ReplyClockOperator extends AbstractStreamOperator<Interaction>
        implements OneInputStreamOperator<Interaction, Interaction> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<ReplySample> REPLIES = new OutputTag<>("first-replies") {};
    public static final OutputTag<ClockChange> CLOCK_CHANGES = new OutputTag<>("clock-changes") {};
    public static final OutputTag<CycleOutcome> OUTCOMES = new OutputTag<>("cycle-outcomes") {};
    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final ConversationClock conversations;

    private transient ValueState<ReplyClock> clock;
    private transient WakeUps<String> wakeUps;
    private transient long watermark;
    /** The timestamp of what is emitted: the record's, or the wake-up's. */
    private transient StreamRecord<Object> emitted;

    public ReplyClockOperator(String source, long lifetimeMillis, FrtSettings settings) {
        this.source = source;
        this.conversations = new ConversationClock(settings.withLifetimeMillis(lifetimeMillis));
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<ReplyClock> descriptor = descriptor();
        clock = getRuntimeContext().getState(descriptor);
        wakeUps = new WakeUps<>();
        watermark = Long.MIN_VALUE;
        emitted = new StreamRecord<>(null);
        // restored state: every conversation's wake-up again (they are not checkpointed)
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                descriptor, (key, state) -> {
                    ReplyClock c = state.value();
                    if (c != null) {
                        wakeUps.add(conversations.nextDue(c), canonical(c, key));
                    }
                });
    }

    @Override
    public void processElement(StreamRecord<Interaction> record) throws Exception {
        Interaction event = record.getValue();
        emitted.setTimestamp(record.getTimestamp());
        ReplyClock c = current();
        ConversationClock.Refusal refusal = conversations.refusal(c, event);
        if (refusal != null) {
            PipelineCount count = PipelineCount.duplicate(source);
            if (refusal == ConversationClock.Refusal.TOO_LATE) {
                count.duplicates = 0;
                count.tooLate = 1;
            }
            emit(DUPLICATES, count);
            return;
        }
        long before = conversations.nextDue(c);
        output.collect(record);
        ReplyClock kept = store(conversations.take(c, event, watermark, this::output), watermark);
        long after = conversations.nextDue(kept);
        if (after != before) {
            wakeUps.add(after, canonical(kept, (String) getCurrentKey()));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        wakeUps.advance(watermark, this::wake);
        super.processWatermark(mark);
    }

    /** A wake-up came due: if it is still the conversation's, does all its due work up to the watermark. */
    private void wake(long at, String conversation) throws Exception {
        setCurrentKey(conversation);
        ReplyClock c = clock.value();
        if (c == null || conversations.nextDue(c) != at) {
            return; // stale: the conversation's instant moved (an entry at the new one exists) or it was dropped
        }
        emitted.setTimestamp(at);
        // At the end of a bounded run every remaining wake-up comes due at once, and how far the watermark had got
        // before depends on how the partitions interleaved: so every SLA passing and expiry is sent, and the backlog
        // and churn leave out what lies after the run's last event-time minute (they know the run's horizon).
        conversations.wake(c, watermark, this::output);
        // all that was due by this watermark is done: the next instant is later
        ReplyClock kept = store(c, watermark);
        wakeUps.add(conversations.nextDue(kept), conversation);
    }

    /** The conversation state: its clock and log, with their own serializer ({@link ReplyClockSerializer}). */
    static ValueStateDescriptor<ReplyClock> stateDescriptor() {
        return new ValueStateDescriptor<>("reply-clock", new ReplyClockSerializer());
    }

    /** {@link #stateDescriptor()}; a test overrides it to write state as an earlier version did. */
    ValueStateDescriptor<ReplyClock> descriptor() {
        return stateDescriptor();
    }

    /** The conversations with a wake-up pending (stale entries left out); for tests. */
    int pendingWakeUps() throws Exception {
        int pending = 0;
        Object key = getCurrentKey();
        for (String conversation : wakeUps.keys()) {
            setCurrentKey(conversation);
            ReplyClock c = clock.value();
            if (c != null && conversations.nextDue(c) != Long.MAX_VALUE) {
                pending++;
            }
        }
        if (key != null) {
            setCurrentKey(key);
        }
        return pending;
    }

    private ReplyClock current() throws Exception {
        ReplyClock c = clock.value();
        return c == null ? new ReplyClock() : c;
    }

    /** Stores what {@link ConversationClock#settle} keeps (clears the state when nothing); returns it. */
    private ReplyClock store(ReplyClock c, long at) throws Exception {
        ReplyClock kept = conversations.settle(c, at);
        if (kept == null) {
            clock.clear();
        } else {
            clock.update(kept);
        }
        return kept;
    }

    /** The key object the state backend holds (the clock keeps it), so an entry adds no copy of the id. */
    private static String canonical(ReplyClock c, String key) {
        return c != null && c.conversationId != null && c.conversationId.equals(key) ? c.conversationId : key;
    }

    private void output(Object item) {
        if (item instanceof CycleOutcome o) {
            emit(OUTCOMES, o);
        } else if (item instanceof ReplySample r) {
            emit(REPLIES, r);
        } else {
            emit(CLOCK_CHANGES, (ClockChange) item);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> void emit(OutputTag<T> tag, T item) {
        StreamRecord<T> record = (StreamRecord<T>) (StreamRecord<?>) emitted;
        output.collect(tag, record.replace(item));
    }
}
