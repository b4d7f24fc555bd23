package io.touchpoint.ingest;

import io.touchpoint.avro.Channel;
import java.util.Locale;

/** Tag values as written to InfluxDB (SPEC §4: lower case; a missing touchpoint is {@code unknown}). */
public final class TagValues {

    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";

    /** One string per channel, made once: channel keys are hashed at every keyBy, and a string caches its hash. */
    private static final String[] CHANNELS = new String[Channel.values().length];

    static {
        for (Channel c : Channel.values()) {
            CHANNELS[c.ordinal()] = c.name().toLowerCase(Locale.ROOT);
        }
    }

    private TagValues() {}

    public static String channel(Channel channel) {
        return CHANNELS[channel.ordinal()];
    }

    public static String touchpoint(String raw) {
        if (raw == null || raw.isBlank()) {
            return UNKNOWN;
        }
        return raw.strip().toLowerCase(Locale.ROOT);
    }
}
