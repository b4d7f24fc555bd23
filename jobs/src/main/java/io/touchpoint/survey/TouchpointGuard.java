package io.touchpoint.survey;

import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
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
 * Cardinality guard (SPEC §5): per channel, the first N distinct touchpoints seen are written as tags; any further
 * touchpoint is written as {@code other}, so a producer bug cannot create unbounded series.
 *
 * <p>In the job it receives only the first survey of each (channel, touchpoint) per upstream subtask
 * ({@link TouchpointCandidates}), and announces its decisions on {@link #ADMISSIONS} — each touchpoint admitted, and
 * the channel full when no further one can be — which {@link TouchpointTags} applies to every survey.
 *
 * <p>State per channel: the admitted touchpoints (at most N) and their count. Never cleared: it is bounded by N per
 * channel, and forgetting it would let a new touchpoint take a freed slot and split a series.
 */
public class TouchpointGuard extends KeyedProcessFunction<String, Survey, Survey> {

    public static final OutputTag<TouchpointAdmission> ADMISSIONS = new OutputTag<>("touchpoint-admissions") {};

    private final int maxTouchpoints;
    private transient MapState<String, Boolean> admitted;
    private transient ValueState<Integer> count;

    public TouchpointGuard(int maxTouchpoints) {
        this.maxTouchpoints = maxTouchpoints;
    }

    @Override
    public void open(OpenContext context) {
        admitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("admitted", Types.STRING, Types.BOOLEAN));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
    }

    @Override
    public void processElement(Survey survey, Context ctx, Collector<Survey> out) throws Exception {
        if (!admitted.contains(survey.touchpoint)) {
            int admittedSoFar = count.value() == null ? 0 : count.value();
            String channel = ctx.getCurrentKey();
            if (admittedSoFar < maxTouchpoints && !TagValues.OTHER.equals(survey.touchpoint)) {
                admitted.put(survey.touchpoint, true);
                count.update(admittedSoFar + 1);
                ctx.output(ADMISSIONS, TouchpointAdmission.admitted(channel, survey.touchpoint));
                if (admittedSoFar + 1 == maxTouchpoints) {
                    ctx.output(ADMISSIONS, TouchpointAdmission.full(channel));
                }
            } else {
                survey.touchpoint = TagValues.OTHER;
                ctx.output(ADMISSIONS, TouchpointAdmission.full(channel));
            }
        }
        out.collect(survey);
    }
}
