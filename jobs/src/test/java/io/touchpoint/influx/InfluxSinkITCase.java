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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink writer against a real influxd: batches, flushes, retries across a restart, rejects bad credentials, counts
 * points beyond the retention policy and stops at once on a field type conflict or a database it may not use.
 */
class InfluxSinkITCase {

    @TempDir
    Path dir;

    private static InfluxSettings settings(String url, String user, String password, int batchSize) {
        return new InfluxSettings(url, "sink_it", user, password, batchSize, Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60));
    }

    private static InfluxSettings overlapped(InfluxSettings s) {
        return new InfluxSettings(s.url(), s.database(), s.username(), s.password(), s.batchSize(),
                s.flushInterval(), s.retryMaxBackoff(), s.retryTimeout(), s.gzip(), true);
    }

    private static InfluxSinkWriter writer(InfluxSettings settings) throws IOException {
        return new InfluxSinkWriter(settings, InfluxConnections.open(settings), new TestProcessingTimeService(),
                new UnregisteredMetricsGroup(), 0);
    }

    /** A writer whose processing time is the wall clock at its start, as in a running job. */
    private static InfluxSinkWriter writerAtNow(InfluxSettings settings, int subtask) throws Exception {
        TestProcessingTimeService time = new TestProcessingTimeService();
        time.setCurrentTime(System.currentTimeMillis());
        return new InfluxSinkWriter(settings, InfluxConnections.open(settings), time, new UnregisteredMetricsGroup(),
                subtask);
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
    void overlappedWritesReachInfluxdInTheOrderTheBatchesWereFilledAndAFlushWaitsForThem() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false);
                InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
            InfluxSinkWriter writer = writer(overlapped(settings(influx.url(), null, null, 10)));
            for (int i = 1; i <= 10; i++) {
                writer.write(point(i), null);
            }
            // the first batch is in flight; the second rewrites minute 5, so it must be stored after the first
            writer.write(MetricPoint.builder("interactions", 1_700_000_000_000L + 5 * 60_000L).tag("channel", "chat")
                    .count("events", 500).build(), null);
            for (int i = 11; i <= 19; i++) {
                writer.write(point(i), null);
            }
            for (int i = 20; i <= 23; i++) {
                writer.write(point(i), null);
            }
            writer.flush(false);
            assertThat(count(rows)).isEqualTo(23);
            assertThat(writer.pointsWritten()).isEqualTo(24);
            Map<String, Object> rewritten = rows.one("SELECT events FROM interactions WHERE time = 1700000300000ms");
            assertThat(((Number) rewritten.get("events")).longValue()).isEqualTo(500);
            writer.close();
        }
    }

    @Test
    void anOverlappedWriteThatIsRefusedStopsAtTheNextFlushWithTheSameLine() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false)) {
            InfluxSinkWriter writer = writer(overlapped(settings(influx.url(), null, null, 2)));
            try (InfluxDB other = InfluxDBFactory.connect(influx.url())) {
                other.write("sink_it", null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS,
                        List.of("interactions,channel=sms events=\"seven\" 1700000000000"));
            }
            writer.write(point(1), null);
            writer.write(point(2), null); // a full batch: sent by the writer's thread, refused there
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOf(InfluxRejectedException.class)
                    .hasNoCause()
                    .hasMessageStartingWith("InfluxDB refused field 'events' of measurement 'interactions'");
            assertThat(writer.retries()).isZero();
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
            List<String> warnings = captureWarnings();
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
            // one line when InfluxDB goes away and one when it is back, not one per retry
            assertThat(warnings).hasSize(2);
            assertThat(warnings.get(0)).startsWith("InfluxDB at " + influx.url() + " is unreachable (ConnectException:");
            assertThat(warnings.get(1)).startsWith("InfluxDB at " + influx.url() + " is back after ")
                    .endsWith(" s; nothing was lost");
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

    @Test
    void pointsOlderThanTheRetentionPolicyAreCountedAndTheRestIsWritten() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false);
                InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
            rows.query("CREATE DATABASE sink_it WITH DURATION 2d NAME two_days");
            InfluxSinkWriter writer = writerAtNow(settings(influx.url(), null, null, 5), 1);
            long now = System.currentTimeMillis() / 60_000 * 60_000;
            long old = now - Duration.ofDays(3).toMillis();
            long recent = now - Duration.ofHours(1).toMillis();
            // batch 1: 3 old, 2 recent; batch 2: 2 old, 3 recent
            int[] isOld = {1, 1, 1, 0, 0, 1, 1, 0, 0, 0};
            for (int i = 0; i < isOld.length; i++) {
                writer.write(MetricPoint.builder("interactions", (isOld[i] == 1 ? old : recent) + i * 60_000L)
                        .tag("channel", "chat").count("events", i + 1).build(), null);
            }
            writer.flush(true);
            assertThat(writer.pointsOutsideRetention()).isEqualTo(5);
            assertThat(writer.pointsWritten()).isEqualTo(5 + 2); // and one pipeline report after each batch
            assertThat(writer.retries()).isZero();
            assertThat(rows.query("SELECT events FROM interactions")).extracting(r -> ((Number) r.get("events")).longValue())
                    .containsExactly(4L, 5L, 8L, 9L, 10L);
            // both drops fell into one processing-time minute: one point with the minute's total
            assertThat(rows.query("SELECT points_outside_retention, writer FROM pipeline WHERE source = 'influxdb'"))
                    .singleElement().satisfies(r -> {
                        assertThat(((Number) r.get("points_outside_retention")).longValue()).isEqualTo(5);
                        assertThat(r.get("writer")).isEqualTo("1");
                    });
            writer.close();
        }
    }

    @Test
    void aFieldTypeConflictStopsWithOneLineAndIsNotRetried() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, false);
                InfluxRows rows = new InfluxRows(influx.url(), "sink_it")) {
            InfluxSinkWriter writer = writer(settings(influx.url(), null, null, 10));
            try (InfluxDB other = InfluxDBFactory.connect(influx.url())) {
                other.write("sink_it", null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS,
                        List.of("interactions,channel=sms events=\"seven\" 1700000000000"));
            }
            writer.write(point(1), null);
            writer.write(point(2), null);
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOf(InfluxRejectedException.class)
                    .hasNoCause()
                    .hasMessage("InfluxDB refused field 'events' of measurement 'interactions' in database 'sink_it':"
                            + " the job writes it as integer, the database already holds it as string; write into a"
                            + " new database (--db NAME) or drop the measurement (DROP MEASUREMENT \"interactions\")"
                            + " and run again");
            assertThat(writer.retries()).isZero();
            assertThat(rows.query("SELECT events FROM interactions")).extracting(r -> r.get("events"))
                    .containsExactly("seven");
            writer.close();
        }
    }

    @Test
    void aMissingDatabaseAndAUserWhoMayNotCreateItStopAtStart() throws Exception {
        try (LocalInflux influx = LocalInflux.start(dir, 0, true);
                InfluxRows admin = new InfluxRows(influx.url(), "sink_it", "admin", "s3cret-admin")) {
            influx.createAdmin("admin", "s3cret-admin");
            admin.query("CREATE USER writer WITH PASSWORD 'w-pass'");
            InfluxSettings asWriter = settings(influx.url(), "writer", "w-pass", 10);
            assertThatThrownBy(() -> writer(asWriter))
                    .isInstanceOf(InfluxRejectedException.class)
                    .hasMessage("database 'sink_it' does not exist on InfluxDB at " + influx.url() + " and user"
                            + " 'writer' may not create it (writer not authorized to execute statement 'CREATE"
                            + " DATABASE sink_it', requires admin privilege); an admin can create it: CREATE DATABASE"
                            + " \"sink_it\"; GRANT WRITE ON \"sink_it\" TO \"writer\"");
            admin.query("CREATE DATABASE sink_it");
            assertThatThrownBy(() -> writer(asWriter))
                    .isInstanceOf(InfluxRejectedException.class)
                    .hasMessage("user 'writer' may not write to database 'sink_it' on InfluxDB at " + influx.url()
                            + " (\"writer\" user is not authorized to write to database \"sink_it\"); an admin can"
                            + " allow it: GRANT WRITE ON \"sink_it\" TO \"writer\"");
            admin.query("GRANT WRITE ON sink_it TO writer");
            InfluxSinkWriter writer = writer(asWriter);
            writer.write(point(1), null);
            writer.flush(true);
            assertThat(count(admin)).isEqualTo(1);
            writer.close();
        }
    }

    /** The messages the sink logs from now on (at WARN and above). */
    private static List<String> captureWarnings() {
        List<String> messages = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(InfluxSinkWriter.class);
        AbstractAppender capture = new AbstractAppender("capture-" + System.nanoTime(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    messages.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logger.addAppender(capture);
        return messages;
    }
}
