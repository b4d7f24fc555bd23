package io.touchpoint.influx;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines about one InfluxDB database, shared by every writer of it in this JVM, so that parallel writers say
 * once that InfluxDB is unreachable and once that it is back, and warn about points outside the retention policy at
 * most once a minute. State: per {@code url/database}, the writers currently retrying and the retention drops not
 * yet reported with the time of the last warning (one small entry per database, kept for the JVM's life).
 */
final class WriteNotices {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);
    static final long RETENTION_WARNING_NANOS = 60_000_000_000L;

    private static final Map<String, Integer> RETRYING = new HashMap<>();
    private static final Map<String, long[]> DROPS = new HashMap<>();

    private WriteNotices() {}

    /** A writer starts retrying; the first one says so. */
    static synchronized void unreachable(InfluxSettings settings, WriteFailure failure) {
        String key = key(settings);
        int writers = RETRYING.merge(key, 1, Integer::sum);
        if (writers == 1) {
            LOG.warn("InfluxDB at {} is unreachable ({}); holding the points and retrying for up to {} s",
                    settings.url(), failure.reason(), settings.retryTimeout().toSeconds());
        }
    }

    /** A writer stops retrying; the last one says InfluxDB is back when it wrote after all. */
    static synchronized void reachable(InfluxSettings settings, boolean written, double afterSeconds) {
        String key = key(settings);
        Integer writers = RETRYING.get(key);
        if (writers == null) {
            return;
        }
        if (writers > 1) {
            RETRYING.put(key, writers - 1);
            return;
        }
        RETRYING.remove(key);
        if (written) {
            LOG.warn("InfluxDB at {} is back after {} s; nothing was lost", settings.url(),
                    String.format(java.util.Locale.ROOT, "%.1f", afterSeconds));
        }
    }

    /** InfluxDB dropped {@code count} points as older than the retention policy; warns at most once a minute. */
    static synchronized void outsideRetention(InfluxSettings settings, String policy, long count, long nowNanos) {
        long[] state = DROPS.computeIfAbsent(key(settings), k -> new long[] {0, nowNanos - RETENTION_WARNING_NANOS});
        state[0] += count;
        if (nowNanos - state[1] >= RETENTION_WARNING_NANOS) {
            LOG.warn("InfluxDB dropped {} points older than the retention policy {} of database '{}'; the job counts"
                    + " them in pipeline.points_outside_retention and goes on (this warning comes at most once a"
                    + " minute, with the count since the last one)", state[0], policy, settings.database());
            state[0] = 0;
            state[1] = nowNanos;
        }
    }

    private static String key(InfluxSettings settings) {
        return settings.url() + "/" + settings.database();
    }
}
