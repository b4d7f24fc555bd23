package io.touchpoint.volume;

import io.touchpoint.influx.MetricPoint;
import io.touchpoint.window.MinutePaneFunction;
import org.apache.flink.util.Collector;

/**
 * {@code interactions} (SPEC §4.5): per channel, 1-minute tumbling counts of deduplicated events. Its input is the
 * events' counts added up per channel and minute ({@link VolumePartials}, see MonitorJob), so a busy channel sends
 * it about one record a minute; a pane is the sum of its minute's partials, exactly the count of its events.
 * State: see {@link MinutePaneFunction} (panes kept for the allowed lateness, then dropped).
 */
public class InteractionVolumeFunction extends MinutePaneFunction<String, VolumePartial, VolumePane> {

    public InteractionVolumeFunction(long allowedLatenessMillis) {
        super(VolumePane.class, allowedLatenessMillis);
    }

    @Override
    protected long timestampOf(VolumePartial element) {
        return element.minute;
    }

    @Override
    protected VolumePane newPane() {
        return new VolumePane();
    }

    @Override
    protected void add(VolumePane pane, VolumePartial element) {
        pane.add(element.counts);
    }

    @Override
    protected void merge(VolumePane into, VolumePane other) {
        throw new UnsupportedOperationException("interactions has no rolling window");
    }

    @Override
    protected void subtract(VolumePane from, VolumePane other) {
        throw new UnsupportedOperationException("interactions has no rolling window");
    }

    @Override
    protected boolean isEmpty(VolumePane pane) {
        return pane.events == 0;
    }

    @Override
    protected void emit(String channel, String window, long end, VolumePane pane, Collector<MetricPoint> out) {
        out.collect(MetricPoint.builder("interactions", end)
                .tag("channel", channel)
                .count("events", pane.events)
                .count("conversations_opened", pane.conversationsOpened)
                .count("customer_messages", pane.customerMessages)
                .count("agent_messages", pane.agentMessages)
                .count("bot_messages", pane.botMessages)
                .count("resolved", pane.resolved)
                .count("reopened", pane.reopened)
                .count("cancellations", pane.cancellations)
                .build());
    }
}
