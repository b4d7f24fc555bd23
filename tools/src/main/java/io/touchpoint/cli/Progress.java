package io.touchpoint.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What a progress line says about work of known size: done of total, the event time reached, the rate and the
 * time left at that rate.
 *
 * @param done units done (records, bytes, event-time milliseconds)
 * @param total units in all, or 0 when unknown
 * @param records records handled so far
 * @param eventTime the event time of the latest record, or null
 * @param elapsed since the work started
 */
public record Progress(long done, long total, long records, Instant eventTime, Duration elapsed) {

    /** Records per second so far. */
    public double recordsPerSecond() {
        return elapsed.toMillis() <= 0 ? 0 : records * 1000.0 / elapsed.toMillis();
    }

    /** Time left if the rest goes as fast as what is done; null when unknown. */
    public Duration eta() {
        if (total <= 0 || done <= 0) {
            return null;
        }
        return Duration.ofMillis(Math.round(elapsed.toMillis() * (double) (total - done) / done));
    }

    /** e.g. {@code replay: 41% of 12.0 MB, 120,000 records, event time 2026-11-20T10:32Z, 41,000 records/s, ETA 9 s}. */
    public String describe(String what, String totalText) {
        StringBuilder line = new StringBuilder(what).append(": ");
        if (total > 0) {
            line.append(String.format(Locale.ROOT, "%.0f%% of %s, ", 100.0 * done / total, totalText));
        }
        line.append(String.format(Locale.ROOT, "%,d records", records));
        if (eventTime != null) {
            line.append(", event time ").append(eventTime.truncatedTo(ChronoUnit.MINUTES));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f records/s", recordsPerSecond()));
        Duration eta = eta();
        if (eta != null) {
            line.append(", ETA ").append(human(eta));
        }
        return line.toString();
    }

    /** 9 s, 4 min 10 s, 2 h 05 min. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
