package io.touchpoint.ingest;

import io.touchpoint.avro.Channel;
import java.util.Locale;

/** Tag values as written to InfluxDB (SPEC §4: lower case; a missing touchpoint is {@code unknown}). */
public final class TagValues {

    public static final String UNKNOWN = "unknown";
    public static final String OTHER = "other";

    private TagValues() {}

    public static String channel(Channel channel) {
        return channel.name().toLowerCase(Locale.ROOT);
    }

    public static String touchpoint(String raw) {
        if (raw == null || raw.isBlank()) {
            return UNKNOWN;
        }
        return raw.strip().toLowerCase(Locale.ROOT);
    }
}
