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
 * again, with the same timestamps; a bounded run holds each boundary's points until no late change can reach them
 * and writes them once; so the points depend on the set of events, not on their arrival order.
 *
 * <p>Keyed by channel, or by channel and bucket ({@link #bucketKey}: the conversations of a channel split into
 * {@link #BUCKETS} by id, so a busy channel's clocks spread over the cluster): then each bucket writes the backlog of
 * its own clocks as a point tagged {@code bucket}, and {@link BacklogSum} adds the buckets up into the channel's point.
 *
 * <p>State per key: the running clocks (removed when they stop), plus the changes and written boundaries of the
 * last allowed lateness (see {@link MinuteGaugeFunction}).
 */
public class BacklogFunction extends MinuteGaugeFunction<ClockChange> {

    /**
     * Buckets per channel: fixed, not tied to the parallelism, so a savepoint restores at any parallelism and the
     * points do not depend on it; 8 spread a channel over 4 subtasks and keep the partial points per boundary few.
     */
    public static final int BUCKETS = 8;
    private static final char BUCKET_SEPARATOR = '#';

    private final FrtSettings settings;
    private transient MapState<String, ClockChange> running;

    /**
     * @param settings for the SLA target written with each point ({@code sla_target_s}, beyond SPEC §4.4)
     * @param allowedLatenessMillis how late a change may come and still rewrite the points from its minute on
     */
    public BacklogFunction(FrtSettings settings, long allowedLatenessMillis) {
        this(settings, allowedLatenessMillis, false);
    }

    /** @param finalOnly write each boundary once it is final (bounded runs), see {@link MinuteGaugeFunction} */
    public BacklogFunction(FrtSettings settings, long allowedLatenessMillis, boolean finalOnly) {
        super(ClockChange.class, allowedLatenessMillis, finalOnly);
        this.settings = settings;
    }

    /** The key of a change when the backlog is kept per channel and bucket, e.g. {@code chat#5}. */
    public static String bucketKey(ClockChange change) {
        return change.channel + BUCKET_SEPARATOR + Math.floorMod(change.conversationId.hashCode(), BUCKETS);
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
    protected boolean close(String key, long at, List<ClockChange> due, boolean writtenBefore,
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
            int separator = key.indexOf(BUCKET_SEPARATOR);
            String channel = separator < 0 ? key : key.substring(0, separator);
            MetricPoint.Builder point = MetricPoint.builder("backlog", at).tag("channel", channel);
            if (separator >= 0) {
                point.tag("bucket", key.substring(separator + 1));
            }
            out.collect(point
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
