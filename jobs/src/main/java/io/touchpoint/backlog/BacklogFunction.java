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
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * {@code backlog} (SPEC §4.4): per channel, at every minute boundary t, the clocks running at t, the oldest wait,
 * the clocks already past their SLA, and the cycles abandoned or expired during the minute before t. Written every
 * minute while a clock runs or the minute had a change, plus one all-zero point when the channel empties. Timing
 * (live and bounded): see {@link MinuteGaugeFunction}.
 *
 * <p>State per channel: the running clocks (removed when they stop) and whether the last point had any.
 */
public class BacklogFunction extends MinuteGaugeFunction<ClockChange> {

    private final FrtSettings settings;
    private transient MapState<String, ClockChange> running;
    private transient ValueState<Boolean> wasRunning;

    /** @param settings for the SLA target written with each point ({@code sla_target_s}, beyond SPEC §4.4) */
    public BacklogFunction(FrtSettings settings) {
        super(ClockChange.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        super.open(context);
        running = getRuntimeContext().getMapState(new MapStateDescriptor<>("running", Types.STRING,
                TypeInformation.of(ClockChange.class)));
        wasRunning = getRuntimeContext().getState(new ValueStateDescriptor<>("was-running", Types.BOOLEAN));
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
        if (change.kind == ClockChange.Kind.STARTED) {
            running.put(change.conversationId, change);
        } else {
            running.remove(change.conversationId);
        }
    }

    @Override
    protected boolean close(String channel, long at, List<ClockChange> due, Collector<MetricPoint> out)
            throws Exception {
        long abandoned = due.stream().filter(c -> c.kind == ClockChange.Kind.ABANDONED).count();
        long expired = due.stream().filter(c -> c.kind == ClockChange.Kind.EXPIRED).count();
        BacklogGauge gauge = new BacklogGauge();
        for (ClockChange clock : running.values()) {
            gauge.running(clock.at, clock.slaDeadline, at);
        }
        if (gauge.awaiting() > 0 || !due.isEmpty() || Boolean.TRUE.equals(wasRunning.value())) {
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
        if (gauge.awaiting() > 0) {
            wasRunning.update(true);
            return true;
        }
        wasRunning.clear();
        return false;
    }
}
