package io.touchpoint.survey;

import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * In front of the {@link TouchpointGuard}: passes every survey on and sends the guard, on {@link #CANDIDATES}, only
 * the first survey of each (channel, touchpoint) this subtask sees, so the channel-keyed guard receives the distinct
 * touchpoints instead of every survey of a busy channel.
 *
 * <p>Chained to the survey deduplication, which is keyed by response id, so it runs on every subtask. Keeps in memory
 * the (channel, touchpoint) pairs sent, not checkpointed: after a restore a pair is sent again and the guard answers
 * as before. At most {@link #REMEMBERED} pairs are remembered (a producer sending ever new touchpoints then sends the
 * guard each of their surveys, as before this step existed).
 */
public class TouchpointCandidates extends ProcessFunction<Survey, Survey> {

    public static final OutputTag<Survey> CANDIDATES = new OutputTag<>("touchpoint-candidates") {};
    static final int REMEMBERED = 10_000;

    private transient Set<String> sent;

    @Override
    public void open(OpenContext context) {
        sent = new HashSet<>();
    }

    @Override
    public void processElement(Survey survey, Context ctx, Collector<Survey> out) {
        if (!TagValues.OTHER.equals(survey.touchpoint)) {
            String pair = TagValues.channel(survey.channel) + '/' + survey.touchpoint;
            if (!sent.contains(pair)) {
                ctx.output(CANDIDATES, survey);
                if (sent.size() < REMEMBERED) {
                    sent.add(pair);
                }
            }
        }
        out.collect(survey);
    }
}
