package io.touchpoint.window;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The second step of spreading a channel's minute panes: keyed by (channel, minute), so a busy channel's minutes
 * land on every subtask in turn, it adds up the partials of the upstream subtasks ({@link MinutePreAggregator}) and
 * sends one partial per channel and minute on when the watermark passes the minute. The channel-keyed window then
 * receives about one record per channel and minute, however busy the channel and however many upstream subtasks.
 * A partial arriving after its minute has passed (a late element's) goes on at once; a retraction takes its element
 * back from the sum when the sum holds it, else it goes on after the element, which was sent on before.
 *
 * <p>State per (channel, minute): the sum of the partials so far, cleared when the watermark passes the minute and it
 * is sent; one timer at the end of the minute.
 */
public class MinutePartialMerge<P extends MinutePartial> extends KeyedProcessFunction<String, P, P> {

    private final PartialPanes<?, P> panes;
    private transient ValueState<P> sum;

    public MinutePartialMerge(PartialPanes<?, P> panes) {
        this.panes = panes;
    }

    /** The key of this step: channel and minute. */
    public static <P extends MinutePartial> KeySelector<P, String> byChannelAndMinute() {
        return partial -> partial.channel + '@' + partial.minute;
    }

    @Override
    public void open(OpenContext context) {
        sum = getRuntimeContext().getState(new ValueStateDescriptor<>("sum", TypeInformation.of(panes.partialType())));
    }

    @Override
    public void processElement(P partial, Context ctx, Collector<P> out) throws Exception {
        long end = partial.minute + Minutes.MINUTE;
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && end - 1 <= watermark) {
            out.collect(partial);
            return;
        }
        P held = sum.value();
        if (panes.isRetraction(partial)) {
            if (held != null && panes.takeBack(held, partial)) {
                sum.update(held);
            } else {
                out.collect(partial);
            }
        } else if (held == null) {
            sum.update(panes.copy(partial));
            ctx.timerService().registerEventTimeTimer(end - 1);
        } else {
            panes.merge(held, partial);
            sum.update(held);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<P> out) throws Exception {
        P held = sum.value();
        sum.clear();
        if (held != null && !panes.isEmpty(held)) {
            panes.seal(held);
            out.collect(held);
        }
    }
}
