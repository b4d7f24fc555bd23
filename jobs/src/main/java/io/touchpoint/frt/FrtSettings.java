package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import io.touchpoint.config.MonitorOptions;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** SLA targets and business calendars per channel, from {@code sla.targets} and {@code calendar.<channel>}. */
public final class FrtSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SlaTargets targets;
    private final EnumMap<Channel, BusinessCalendar> calendars;

    public FrtSettings(SlaTargets targets, Map<Channel, BusinessCalendar> calendars) {
        this.targets = targets;
        this.calendars = new EnumMap<>(Channel.class);
        this.calendars.putAll(calendars);
    }

    public static FrtSettings defaults() {
        return new FrtSettings(SlaTargets.defaults(), Map.of());
    }

    public static FrtSettings from(Configuration config) {
        Map<Channel, BusinessCalendar> calendars = new EnumMap<>(Channel.class);
        for (Map.Entry<String, String> e : config.toMap().entrySet()) {
            if (e.getKey().startsWith(MonitorOptions.CALENDAR_PREFIX)) {
                String name = e.getKey().substring(MonitorOptions.CALENDAR_PREFIX.length());
                Channel channel;
                try {
                    channel = Channel.valueOf(name.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("unknown channel in " + e.getKey());
                }
                try {
                    calendars.put(channel, BusinessCalendar.parse(e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(e.getKey() + ": " + ex.getMessage());
                }
            }
        }
        return new FrtSettings(SlaTargets.parse(config.get(MonitorOptions.SLA_TARGETS)), calendars);
    }

    public long targetMillis(Channel channel) {
        return targets.secondsFor(channel) * 1000;
    }

    public long targetSeconds(Channel channel) {
        return targets.secondsFor(channel);
    }

    /** The channel's calendar, or null for 24/7. */
    public BusinessCalendar calendar(Channel channel) {
        return calendars.get(channel);
    }

    /** Counted time from start to stop: open time under the channel's calendar, else elapsed time. */
    public double seconds(Channel channel, long start, long stop) {
        BusinessCalendar calendar = calendars.get(channel);
        return calendar == null ? (stop - start) / 1000.0 : calendar.openSecondsBetween(start, stop);
    }

    /** When a clock started at {@code start} passes its target. */
    public long deadline(Channel channel, long start) {
        BusinessCalendar calendar = calendars.get(channel);
        long target = targetMillis(channel);
        return calendar == null ? start + target : calendar.instantAfterOpen(start, target);
    }
}
