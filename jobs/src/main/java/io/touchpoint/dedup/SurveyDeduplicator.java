package io.touchpoint.dedup;

import io.touchpoint.ingest.Survey;
import io.touchpoint.pipeline.PipelineCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops a survey response whose {@code response_id} was already seen within the dedup window (SPEC §5: 24 h) and
 * reports it as a duplicate of its topic.
 *
 * <p>State per response id: the event time of its first occurrence, cleared by an event-time timer at first
 * occurrence + window.
 */
public class SurveyDeduplicator extends KeyedProcessFunction<String, Survey, Survey> {

    public static final OutputTag<PipelineCount> DUPLICATES = new OutputTag<>("survey-duplicates") {};

    private final String source;
    private final long windowMillis;
    private transient ValueState<Long> firstSeen;

    public SurveyDeduplicator(String source, long windowMillis) {
        this.source = source;
        this.windowMillis = windowMillis;
    }

    @Override
    public void open(OpenContext context) {
        firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Types.LONG));
    }

    @Override
    public void processElement(Survey survey, Context ctx, Collector<Survey> out) throws Exception {
        if (firstSeen.value() != null) {
            ctx.output(DUPLICATES, PipelineCount.duplicate(source));
            return;
        }
        firstSeen.update(survey.occurredAt);
        ctx.timerService().registerEventTimeTimer(survey.occurredAt + windowMillis);
        out.collect(survey);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Survey> out) {
        firstSeen.clear();
    }
}
