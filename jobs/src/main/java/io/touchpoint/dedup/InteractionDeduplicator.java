package io.touchpoint.dedup;

import io.touchpoint.ingest.Interaction;
import io.touchpoint.pipeline.PipelineCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops an interaction whose {@code event_id} was already seen in the same conversation while the conversation is
 * in state (SPEC §5), and reports it as a duplicate of its topic.
 *
 * <p>State per conversation: the event ids seen and the latest event time. Everything is cleared when the
 * conversation has had no event for its lifetime (7 days of event time, SPEC §4.3).
 */
public class InteractionDeduplicator extends KeyedProcessFunction<String, Interaction, Interaction> {

    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("interaction-duplicates") {};

    private final String source;
    private final long lifetimeMillis;
    private transient MapState<String, Boolean> seen;
    private transient ValueState<Long> lastEvent;

    public InteractionDeduplicator(String source, long lifetimeMillis) {
        this.source = source;
        this.lifetimeMillis = lifetimeMillis;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.STRING, Types.BOOLEAN));
        lastEvent = getRuntimeContext().getState(new ValueStateDescriptor<>("last-event", Types.LONG));
    }

    @Override
    public void processElement(Interaction event, Context ctx, Collector<Interaction> out) throws Exception {
        if (seen.contains(event.eventId)) {
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
            return;
        }
        seen.put(event.eventId, true);
        Long last = lastEvent.value();
        if (last == null || event.occurredAt > last) {
            lastEvent.update(event.occurredAt);
            ctx.timerService().registerEventTimeTimer(event.occurredAt + lifetimeMillis);
        }
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
        Long last = lastEvent.value();
        if (last != null && timestamp >= last + lifetimeMillis) {
            seen.clear();
            lastEvent.clear();
        }
    }
}
