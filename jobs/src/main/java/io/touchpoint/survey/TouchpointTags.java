package io.touchpoint.survey;

import io.touchpoint.ingest.Survey;
import io.touchpoint.ingest.TagValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies the {@link TouchpointGuard}'s decisions to every survey: an admitted touchpoint stays, any other becomes
 * {@code other} once its channel is full. A survey whose touchpoint the guard has not decided yet waits here for the
 * decision, which is on its way: {@link TouchpointCandidates} sent the guard this touchpoint no later than this
 * survey, and the guard answers an admission at once and announced a full channel before it; the decision arrives
 * before the watermark that follows it, so a waiting survey is not made late.
 *
 * <p>Keyed by response id (spread evenly). Broadcast state: the admitted touchpoints (at most the guard's limit per
 * channel) and the full channels, never cleared, as in the guard. Keyed state: the surveys waiting for a decision,
 * cleared when it arrives (none wait at an aligned checkpoint).
 */
public class TouchpointTags extends KeyedBroadcastProcessFunction<String, Survey, TouchpointAdmission, Survey> {

    /** Channel + '/' + touchpoint admitted, or channel + '/' for a full channel → true. */
    public static final MapStateDescriptor<String, Boolean> DECISIONS =
            new MapStateDescriptor<>("touchpoint-decisions", Types.STRING, Types.BOOLEAN);
    private static final ListStateDescriptor<Survey> WAITING =
            new ListStateDescriptor<>("waiting", TypeInformation.of(Survey.class));

    private transient ListState<Survey> waiting;

    @Override
    public void open(OpenContext context) {
        waiting = getRuntimeContext().getListState(WAITING);
    }

    @Override
    public void processElement(Survey survey, ReadOnlyContext ctx, Collector<Survey> out) throws Exception {
        if (decide(survey, ctx.getBroadcastState(DECISIONS))) {
            out.collect(survey);
        } else {
            waiting.add(copy(survey));
        }
    }

    @Override
    public void processBroadcastElement(TouchpointAdmission decision, Context ctx, Collector<Survey> out)
            throws Exception {
        BroadcastState<String, Boolean> decisions = ctx.getBroadcastState(DECISIONS);
        decisions.put(decision.channel + '/' + (decision.isFull() ? "" : decision.touchpoint), true);
        ctx.applyToKeyedState(WAITING, (responseId, surveys) -> {
            List<Survey> still = new ArrayList<>();
            for (Survey s : surveys.get()) {
                if (decide(s, decisions)) {
                    out.collect(s);
                } else {
                    still.add(s);
                }
            }
            surveys.update(still);
        });
    }

    /** Sets the survey's touchpoint tag if it is decided, and says whether it is. */
    private static boolean decide(Survey survey, ReadOnlyBroadcastState<String, Boolean> decisions) throws Exception {
        String channel = TagValues.channel(survey.channel);
        if (TagValues.OTHER.equals(survey.touchpoint) || decisions.contains(channel + '/' + survey.touchpoint)) {
            return true;
        }
        if (decisions.contains(channel + '/')) {
            survey.touchpoint = TagValues.OTHER;
            return true;
        }
        return false;
    }

    private static Survey copy(Survey s) {
        Survey c = new Survey();
        c.responseId = s.responseId;
        c.occurredAt = s.occurredAt;
        c.channel = s.channel;
        c.touchpoint = s.touchpoint;
        c.customerId = s.customerId;
        c.conversationId = s.conversationId;
        c.survey = s.survey;
        c.score = s.score;
        return c;
    }
}
