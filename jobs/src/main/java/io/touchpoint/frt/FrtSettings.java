package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import io.touchpoint.config.MonitorOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * What the reply clocks are measured against: the SLA target and the business calendar of each channel (a channel
 * without a calendar counts wall-clock time) and how long a conversation without events is kept (SPEC §4.3).
 *
 * <p>Immutable and {@link Serializable}: it travels in the function, never in keyed state. Only {@link #from}
 * touches Flink's {@link Configuration}; everything else is plain arithmetic.
 */
public final class FrtSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_LIFETIME_MILLIS = Duration.ofDays(7).toMillis();

    private final SlaTargets targets;
    private final EnumMap<Channel, BusinessCalendar> calendars;
    private final long lifetimeMillis;
    private final long allowedLatenessMillis;

    private FrtSettings(SlaTargets targets, Map<Channel, BusinessCalendar> calendars, long lifetimeMillis,
            long allowedLatenessMillis) {
        if (lifetimeMillis <= 0) {
            throw new IllegalArgumentException("conversation lifetime must be positive, got " + lifetimeMillis + " ms");
        }
        this.targets = targets;
        this.calendars = new EnumMap<>(Channel.class);
        this.calendars.putAll(calendars);
        this.lifetimeMillis = lifetimeMillis;
        if (allowedLatenessMillis < 0) {
            throw new IllegalArgumentException("allowed lateness must not be negative, got " + allowedLatenessMillis
                    + " ms");
        }
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    /** Default targets, no calendars (wall-clock everywhere), 7-day lifetime, the default allowed lateness (1 h). */
    public static FrtSettings defaults() {
        return of(SlaTargets.defaults(), Map.of(), DEFAULT_LIFETIME_MILLIS);
    }

    public static FrtSettings of(SlaTargets targets, Map<Channel, BusinessCalendar> calendars, long lifetimeMillis) {
        return new FrtSettings(targets, calendars, lifetimeMillis,
                MonitorOptions.ALLOWED_LATENESS.defaultValue().toMillis());
    }

    /**
     * From the text settings: SLA overrides ({@link SlaTargets#parse}) and calendars by channel name (any letter
     * case; {@link BusinessCalendar#parse}). Error messages name the offending setting.
     */
    public static FrtSettings parse(String slaTargets, Map<String, String> calendarsByChannel, long lifetimeMillis) {
        Map<Channel, BusinessCalendar> calendars = new EnumMap<>(Channel.class);
        for (Map.Entry<String, String> e : calendarsByChannel.entrySet()) {
            String key = MonitorOptions.CALENDAR_PREFIX + e.getKey();
            Channel channel = null;
            for (Channel c : Channel.values()) {
                if (c.name().equalsIgnoreCase(e.getKey().strip())) {
                    channel = c;
                }
            }
            if (channel == null) {
                throw new IllegalArgumentException(key + ": '" + e.getKey() + "' is not a channel");
            }
            try {
                calendars.put(channel, BusinessCalendar.parse(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(key + ": " + ex.getMessage(), ex);
            }
        }
        SlaTargets targets;
        try {
            targets = SlaTargets.parse(slaTargets);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(MonitorOptions.SLA_TARGETS.key() + ": " + ex.getMessage(), ex);
        }
        return of(targets, calendars, lifetimeMillis);
    }

    /** From {@code sla.targets}, {@code calendar.<channel>}, {@code conversation.lifetime} and {@code lateness.allowed}. */
    public static FrtSettings from(Configuration config) {
        Map<String, String> calendars = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : config.toMap().entrySet()) {
            if (e.getKey().startsWith(MonitorOptions.CALENDAR_PREFIX)) {
                calendars.put(e.getKey().substring(MonitorOptions.CALENDAR_PREFIX.length()), e.getValue());
            }
        }
        return parse(config.get(MonitorOptions.SLA_TARGETS), calendars,
                config.get(MonitorOptions.CONVERSATION_LIFETIME).toMillis())
                .withAllowedLatenessMillis(config.get(MonitorOptions.ALLOWED_LATENESS).toMillis());
    }

    /** The same settings with another conversation lifetime. */
    public FrtSettings withLifetimeMillis(long millis) {
        return new FrtSettings(targets, calendars, millis, allowedLatenessMillis);
    }

    /** The same settings with another allowed lateness. */
    public FrtSettings withAllowedLatenessMillis(long millis) {
        return new FrtSettings(targets, calendars, lifetimeMillis, millis);
    }

    public long lifetimeMillis() {
        return lifetimeMillis;
    }

    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    public SlaTargets targets() {
        return targets;
    }

    public long targetSeconds(Channel channel) {
        return targets.seconds(channel);
    }

    /** The channel's calendar, or null when its time is counted wall-clock. */
    public BusinessCalendar calendar(Channel channel) {
        return calendars.get(channel);
    }

    /** Whether the channel is open at this instant; always true without a calendar. */
    public boolean isOpen(Channel channel, long millis) {
        BusinessCalendar calendar = calendars.get(channel);
        return calendar == null || calendar.isOpen(millis);
    }

    /** Counted seconds from start to stop: open time under the channel's calendar, else elapsed time. */
    public double countedSeconds(Channel channel, long startMillis, long stopMillis) {
        BusinessCalendar calendar = calendars.get(channel);
        if (calendar == null) {
            return Math.max(0, stopMillis - startMillis) / 1000.0;
        }
        return calendar.openSecondsBetween(startMillis, stopMillis);
    }

    /**
     * The last instant at which a clock of this channel started at {@code startMillis} is still within its target
     * (counted time ≤ target); it has passed the SLA at any later instant. Business time when the channel has a
     * calendar; {@link Long#MAX_VALUE} if that calendar never opens enough.
     */
    public long slaDeadline(Channel channel, long startMillis) {
        BusinessCalendar calendar = calendars.get(channel);
        long budget = targets.millis(channel);
        return calendar == null ? startMillis + budget : calendar.deadline(startMillis, budget);
    }

    @Override
    public String toString() {
        Map<String, String> cal = new LinkedHashMap<>();
        calendars.forEach((c, v) -> cal.put(c.name().toLowerCase(Locale.ROOT), v.toString()));
        return "FrtSettings{targets=" + targets + ", calendars=" + cal + ", lifetime=" + lifetimeMillis + "ms, lateness="
                + allowedLatenessMillis + "ms}";
    }
}
