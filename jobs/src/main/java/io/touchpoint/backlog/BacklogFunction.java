package io.touchpoint.backlog;

import io.touchpoint.avro.Channel;
import io.touchpoint.frt.FrtSettings;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinuteGaugeFunction;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * {@code backlog} (SPEC §4.4): per channel, at every minute boundary t, the clocks running at t, the oldest wait,
 * the clocks already past their SLA, and the cycles abandoned or expired during the minute before t. Written every
 * minute while a clock runs or the minute had a change, plus one all-zero point when the channel empties. Timing
 * (live and bounded): see {@link MinuteGaugeFunction}.
 *
 * <p>Late changes within the allowed lateness (a clock rebuilt by a late event sends retractions of the changes
 * that no longer hold, and the corrected ones) undo the minutes from theirs on and write every boundary from there
 * again, with the same timestamps; so the points depend on the set of events, not on their arrival order.
 *
 * <p>State per channel: the running clocks (removed when they stop), plus the changes and written boundaries of the
 * last allowed lateness (see {@link MinuteGaugeFunction}).
 */
public class BacklogFunction extends MinuteGaugeFunction<ClockChange> {

    private final FrtSettings settings;
    private transient MapState<String, ClockChange> running;

    /**
     * @param settings for the SLA target written with each point ({@code sla_target_s}, beyond SPEC §4.4)
     * @param allowedLatenessMillis how late a change may come and still rewrite the points from its minute on
     */
    public BacklogFunction(FrtSettings settings, long allowedLatenessMillis) {
        super(ClockChange.class, allowedLatenessMillis);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        super.open(context);
        running = getRuntimeContext().getMapState(new MapStateDescriptor<>("running", Types.STRING,
                TypeInformation.of(ClockChange.class)));
    }

    @Override
    protected long timeOf(ClockChange change) {
        return change.at;
    }

    @Override
    protected ClockChange copy(ClockChange change) {
        return change.copy();
    }

    @Override
    protected void apply(ClockChange change) throws Exception {
        if (change.retracted) {
            undo(change); // only past its minute's lateness, which ingest does not let happen
        } else if (change.kind == ClockChange.Kind.STARTED) {
            running.put(change.conversationId, change);
        } else {
            running.remove(change.conversationId);
        }
    }

    @Override
    protected boolean isRetraction(ClockChange change) {
        return change.retracted;
    }

    @Override
    protected void undo(ClockChange change) throws Exception {
        if (change.kind == ClockChange.Kind.STARTED) {
            running.remove(change.conversationId);
        } else {
            running.put(change.conversationId,
                    ClockChange.started(change.channel, change.conversationId, change.start, change.slaDeadline));
        }
    }

    @Override
    protected boolean close(String channel, long at, List<ClockChange> due, Collector<MetricPoint> out)
            throws Exception {
        return close(channel, at, due, false, out);
    }

    @Override
    protected boolean close(String channel, long at, List<ClockChange> due, boolean writtenBefore,
            Collector<MetricPoint> out) throws Exception {
        long abandoned = due.stream().filter(c -> c.kind == ClockChange.Kind.ABANDONED).count();
        long expired = due.stream().filter(c -> c.kind == ClockChange.Kind.EXPIRED).count();
        long started = due.stream().filter(c -> c.kind == ClockChange.Kind.STARTED).count();
        BacklogGauge gauge = new BacklogGauge();
        for (ClockChange clock : running.values()) {
            gauge.running(clock.at, clock.slaDeadline, at);
        }
        // clocks running at the previous boundary: each start of the minute added one, each end took one away
        boolean wasRunning = gauge.awaiting() - started + (due.size() - started) > 0;
        if (gauge.awaiting() > 0 || !due.isEmpty() || wasRunning || writtenBefore) {
            out.collect(MetricPoint.builder("backlog", at)
                    .tag("channel", channel)
                    .count("awaiting_first_reply", gauge.awaiting())
                    .value("oldest_wait_s", gauge.oldestWaitSeconds(at))
                    .count("over_sla", gauge.overSla())
                    .count("abandoned", abandoned)
                    .count("expired", expired)
                    .value("sla_target_s", settings.targetSeconds(Channel.valueOf(channel.toUpperCase(Locale.ROOT))))
                    .build());
        }
        return gauge.awaiting() > 0;
    }
}
