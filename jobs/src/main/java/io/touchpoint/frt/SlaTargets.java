package io.touchpoint.frt;

import io.touchpoint.avro.Channel;
import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * First-reply targets per channel in whole seconds (SPEC §4.3). Defaults: phone 60, chat 120, sms 900, social 3600,
 * app 3600, store 300, email 14400, web 14400, other 3600. Overrides are a comma list {@code channel=seconds}, e.g.
 * {@code chat=90, email=7200}; channel names in any letter case; a blank string keeps the defaults.
 *
 * <p>Immutable and {@link Serializable}: it travels in the job's settings, never in keyed state.
 */
public final class SlaTargets implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Map<Channel, Long> DEFAULTS = Map.of(
            Channel.PHONE, 60L, Channel.CHAT, 120L, Channel.SMS, 900L, Channel.SOCIAL, 3_600L, Channel.APP, 3_600L,
            Channel.STORE, 300L, Channel.EMAIL, 14_400L, Channel.WEB, 14_400L, Channel.OTHER, 3_600L);

    /** A year: longer targets would outlive every conversation (7 days without events) anyway. */
    static final long MAX_SECONDS = 365L * 24 * 3600;

    private final EnumMap<Channel, Long> seconds;

    private SlaTargets(EnumMap<Channel, Long> seconds) {
        this.seconds = seconds;
    }

    public static SlaTargets defaults() {
        return new SlaTargets(new EnumMap<>(DEFAULTS));
    }

    /**
     * The defaults with the given overrides.
     *
     * @throws IllegalArgumentException on an unknown channel, a channel given twice, or a target that is not a
     *     whole number of seconds from 1 to 365 days
     */
    public static SlaTargets parse(String overrides) {
        EnumMap<Channel, Long> seconds = new EnumMap<>(DEFAULTS);
        if (overrides == null || overrides.isBlank()) {
            return new SlaTargets(seconds);
        }
        EnumMap<Channel, Long> given = new EnumMap<>(Channel.class);
        for (String entry : overrides.split(",")) {
            String item = entry.strip();
            if (item.isEmpty()) {
                continue;
            }
            String[] kv = item.split("=", -1);
            if (kv.length != 2) {
                throw invalid(overrides, "'" + item + "' must look like chat=90");
            }
            Channel channel = channel(overrides, kv[0].strip());
            long value;
            try {
                value = Long.parseLong(kv[1].strip());
            } catch (NumberFormatException e) {
                value = 0;
            }
            if (value <= 0 || value > MAX_SECONDS) {
                throw invalid(overrides, "target of " + kv[0].strip() + " must be a whole number of seconds from 1 to "
                        + MAX_SECONDS + " (365 days), got '" + kv[1].strip() + "'");
            }
            if (given.put(channel, value) != null) {
                throw invalid(overrides, channel.name().toLowerCase(Locale.ROOT) + " is given twice");
            }
        }
        seconds.putAll(given);
        return new SlaTargets(seconds);
    }

    private static Channel channel(String overrides, String name) {
        for (Channel c : Channel.values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw invalid(overrides, "unknown channel '" + name + "'; channels are " + Arrays.stream(Channel.values())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    private static IllegalArgumentException invalid(String overrides, String reason) {
        return new IllegalArgumentException("SLA targets '" + overrides.strip() + "': " + reason);
    }

    public long seconds(Channel channel) {
        return seconds.get(channel);
    }

    public long millis(Channel channel) {
        return seconds.get(channel) * 1000L;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlaTargets other && seconds.equals(other.seconds);
    }

    @Override
    public int hashCode() {
        return seconds.hashCode();
    }

    @Override
    public String toString() {
        return seconds.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
