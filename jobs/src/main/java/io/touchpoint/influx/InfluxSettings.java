package io.touchpoint.influx;

import io.touchpoint.config.MonitorOptions;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/** Where and how the sink writes. {@link #toString()} never shows the password. */
public record InfluxSettings(
        String url,
        String database,
        String username,
        String password,
        int batchSize,
        Duration flushInterval,
        Duration retryMaxBackoff,
        Duration retryTimeout,
        boolean gzip,
        boolean overlapWrites)
        implements Serializable {

    /** Settings without gzip, each write in the task thread. */
    public InfluxSettings(String url, String database, String username, String password, int batchSize,
            Duration flushInterval, Duration retryMaxBackoff, Duration retryTimeout) {
        this(url, database, username, password, batchSize, flushInterval, retryMaxBackoff, retryTimeout, false,
                false);
    }

    public static InfluxSettings from(Configuration config) {
        return new InfluxSettings(
                config.get(MonitorOptions.INFLUX_URL),
                config.get(MonitorOptions.INFLUX_DATABASE),
                config.get(MonitorOptions.INFLUX_USER),
                config.get(MonitorOptions.INFLUX_PASSWORD),
                config.get(MonitorOptions.INFLUX_BATCH_SIZE),
                config.get(MonitorOptions.INFLUX_FLUSH_INTERVAL),
                config.get(MonitorOptions.INFLUX_RETRY_MAX_BACKOFF),
                config.get(MonitorOptions.INFLUX_RETRY_TIMEOUT),
                config.get(MonitorOptions.INFLUX_GZIP),
                config.get(MonitorOptions.INFLUX_OVERLAP_WRITES));
    }

    @Override
    public String toString() {
        return "InfluxSettings{url=" + url + ", database=" + database + ", username=" + username
                + ", password=" + (password == null ? "none" : "****") + ", batchSize=" + batchSize
                + ", flushInterval=" + flushInterval + ", retryMaxBackoff=" + retryMaxBackoff
                + ", retryTimeout=" + retryTimeout + ", gzip=" + gzip + ", overlapWrites=" + overlapWrites + "}";
    }
}
