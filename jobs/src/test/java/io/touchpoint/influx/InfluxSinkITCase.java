package io.touchpoint.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.stack.LocalInflux;
import io.touchpoint.testing.InfluxRows;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink writer against a real influxd: batches, flushes, retries across a restart, rejects bad credentials. */
class InfluxSinkITCase {

    @TempDir
    Path dir;

    private static InfluxSettings settings(String url, String user, String password, int batchSize) {
        return new InfluxSettings(url, "sink_it", user, password, batchSize, Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60));
    }

    private static InfluxSinkWriter writer(InfluxSettings settings) throws IOException {
        return new InfluxSinkWriter(settings, InfluxConnections.open(settings), new TestProcessingTimeService(),
                new UnregisteredMetricsGroup());
    }

    private static MetricPoint point(int i) {
        return MetricPoint.builder("interactions", 1_700_000_000_000L + i * 60_000L).tag("channel", "chat")
                .count("events", i).build();
    }

    private static long count(InfluxRows rows) {
        List<Map<String, Object>> r = rows.query("SELECT count(events) AS n FROM interactions");
        return r.isEmpty() ? 0 : ((Number) r.get(0).get("n")).longValue();
    }

    @Test
    void writesFullBatchesAtOnceAndTheRestOnFlush() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false);
                InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
            InfluxSinkWriter writer = writer(settings(influx.url(), null, null, 10));
            for (int i = 1; i <= 25; i++) {
                writer.write(point(i), null);
            }
            assertThat(count(rows)).isEqualTo(20);
            writer.flush(false);
            assertThat(count(rows)).isEqualTo(25);
            assertThat(writer.pointsWritten()).isEqualTo(25);
            Map<String, Object> last = rows.one("SELECT events FROM interactions WHERE time = 1700001500000ms");
            assertThat(((Number) last.get("events")).longValue()).isEqualTo(25);
            writer.close();
        }
    }

    @Test
    void aBatchWaitsForInfluxdToComeBackAndNothingIsLost() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false)) {
            InfluxSinkWriter writer = writer(settings(influx.url(), null, null, 1000));
            influx.kill();
            for (int i = 1; i <= 50; i++) {
                writer.write(point(i), null);
            }
            Thread restart = new Thread(() -> {
                try {
                    Thread.sleep(3000);
                    influx.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            writer.flush(false); // blocks, retrying, until influxd answers again
            restart.join();
            assertThat(writer.retries()).isGreaterThan(0);
            try (InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
                assertThat(count(rows)).isEqualTo(50);
            }
            writer.close();
        }
    }

    @Test
    void wrongCredentialsFailFastWithoutShowingThePassword() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, true)) {
            influx.createAdmin("admin", "s3cret-admin");
            assertThatThrownBy(() -> writer(settings(influx.url(), "admin", "not-the-password", 10)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("InfluxDB at " + influx.url() + " rejected the credentials for user 'admin'")
                    .message().doesNotContain("not-the-password");
            InfluxSinkWriter writer = writer(settings(influx.url(), "admin", "s3cret-admin", 10));
            writer.write(point(1), null);
            writer.flush(true);
            assertThat(writer.pointsWritten()).isEqualTo(1);
            writer.close();
            assertThat(settings(influx.url(), "admin", "s3cret-admin", 10).toString()).doesNotContain("s3cret");
        }
    }

    @Test
    void hostileTagValuesBecomeOneSeriesEach() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false);
                InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
            InfluxSinkWriter writer = writer(settings(influx.url(), null, null, 100));
            String[] touchpoints = {"a,b", "c d", "e=f", "g\"h", "i\nj k=1i", "trailing\\", "Zürich ☎"};
            for (int i = 0; i < touchpoints.length; i++) {
                writer.write(MetricPoint.builder("nps_touchpoint", 1_700_000_000_000L).tag("channel", "chat")
                        .tag("touchpoint", touchpoints[i]).count("responses", i + 1).build(), null);
            }
            writer.flush(true);
            assertThat(rows.query("SHOW TAG VALUES FROM nps_touchpoint WITH KEY = \"touchpoint\""))
                    .extracting(r -> r.get("value"))
                    .containsExactlyInAnyOrder("a,b", "c d", "e=f", "g\"h", "i_j k=1i", "trailing/", "Zürich ☎");
            assertThat(rows.query("SHOW MEASUREMENTS")).extracting(r -> r.get("name")).containsExactly("nps_touchpoint");
            assertThat(rows.query("SHOW FIELD KEYS")).extracting(r -> r.get("fieldKey")).containsExactly("responses");
            writer.close();
        }
    }
}
