package io.touchpoint.influx;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A database's default retention policy: its name and how long it keeps points ({@link Duration#ZERO}: forever). */
public record RetentionPolicy(String name, Duration duration) {

    private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    /** Reads InfluxDB's duration column of {@code SHOW RETENTION POLICIES}, e.g. {@code 48h0m0s} or {@code 0s}. */
    static Duration parseDuration(String text) {
        Matcher m = GO_DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("not an InfluxDB duration: " + text);
        }
        return Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
    }

    public boolean keepsForever() {
        return duration.isZero();
    }

    /** {@code 'two_days' (48 h)} or {@code 'autogen' (infinite)}, for messages. */
    public String describe() {
        if (keepsForever()) {
            return "'" + name + "' (infinite)";
        }
        long hours = duration.toHours();
        return "'" + name + "' (" + (hours % 24 == 0 ? hours / 24 + " d" : hours + " h") + ")";
    }
}
