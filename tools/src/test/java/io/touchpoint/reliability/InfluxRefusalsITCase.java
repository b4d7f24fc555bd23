package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.cli.RunCommand;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.KafkaBroker;
import io.touchpoint.testing.SeriesSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --bounded} against an InfluxDB that refuses points: a retention policy shorter than the data's age (the
 * run finishes, the dropped points are counted, the rest is exact), a field stored with another type (the job stops
 * at once with one line), and a database that does not exist with a user who may not create it (stopped at start).
 */
class InfluxRefusalsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();
    private static final Set<String> PREFIXES = new HashSet<>();


    /** Publishes simulated traffic of {@code span} ending at {@code end} to topics {@code PREFIX.*}. */
    private static void publish(String prefix, Instant end, Duration span, long seed) throws Exception {
        if (PREFIXES.add(prefix)) {
            kafka.createTopics(3, prefix + ".interactions", prefix + ".surveys", prefix + ".dead-letter",
                    prefix + ".churn-risk");
        }
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), prefix + ".interactions",
                prefix + ".surveys", new Properties())) {
            new Simulator(Scenario.steady().daytimeAllDay(), end.minus(span), span, seed)
                    .forEachRemaining(publisher::publish);
            publisher.flush();
        }
    }

    /** A properties file naming the topics of {@code prefix}, and any further lines. */
    private static Path config(String prefix, String... lines) throws Exception {
        Path file = dir.resolve(prefix + ".properties");
        List<String> all = new ArrayList<>(List.of("topic.interactions = " + prefix + ".interactions",
                "topic.surveys = " + prefix + ".surveys", "topic.dead-letter = " + prefix + ".dead-letter",
                "topic.churn-risk = " + prefix + ".churn-risk", "kafka.group-id = " + prefix,
                "checkpoint.dir = " + dir.resolve("checkpoints-" + prefix).toUri()));
        all.addAll(List.of(lines));
        Files.write(file, all);
        return file;
    }

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RunCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every point of the job's measurements except pipeline, as its row text → its time. */
    private static Map<String, Long> points(String url, String database) {
        Map<String, Long> all = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(url, database)) {
            for (String m : SeriesSnapshot.EVENT_TIME_MEASUREMENTS) {
                for (Map<String, Object> row : rows.query("SELECT * FROM " + m)) {
                    all.put(m + " " + new TreeMap<>(row), ((Number) row.get("time")).longValue());
                }
            }
        }
        return all;
    }

    @Test
    void aBackfillOlderThanTheRetentionPolicyFinishesAndCountsWhatInfluxDbDropped() throws Exception {
        // traffic three hours before the horizon of a one-day retention policy, older than any shard group that
        // newer points could open, and traffic from 20 minutes before to 20 minutes after the horizon
        Instant horizon = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(1));
        publish("backfill", horizon.minus(Duration.ofMinutes(140)), Duration.ofMinutes(40), 17);
        publish("backfill", horizon.plus(Duration.ofMinutes(20)), Duration.ofMinutes(40), 18);
        try (LocalInflux influx = LocalInflux.start(dir.resolve("influx-rp"), 0, false);
                InfluxRows rp = new InfluxRows(influx.url(), "rp")) {
            String config = config("backfill").toString();
            Outcome plain = run("--bounded", "--kafka", kafka.bootstrapServers(), "--influx", influx.url(),
                    "--db", "plain", "--config", config);
            assertThat(plain.code()).as(plain.err()).isZero();
            assertThat(plain.err()).isEmpty();

            rp.query("CREATE DATABASE rp WITH DURATION 1d NAME one_day");
            long started = System.currentTimeMillis();
            Outcome limited = run("--bounded", "--kafka", kafka.bootstrapServers(), "--influx", influx.url(),
                    "--db", "rp", "--config", config);
            long finished = System.currentTimeMillis();
            assertThat(limited.code()).as(limited.err()).isZero();
            assertThat(limited.err()).matches("touchpoint run: the data to process starts 1\\.1 days ago \\(\\S+Z\\),"
                    + " before the horizon of the retention policy 'one_day' \\(1 d\\) of database 'rp': InfluxDB will"
                    + " drop its first 3\\.0 hours \\(counted in pipeline\\.points_outside_retention\\)\\R");

            Map<String, Long> all = points(influx.url(), "plain");
            Map<String, Long> kept = points(influx.url(), "rp");
            // every point kept is the point of the run without retention; all points newer than the horizon are kept
            assertThat(all).containsAllEntriesOf(kept);
            all.forEach((point, time) -> {
                if (time >= finished - DAY) {
                    assertThat(kept).as("inside the retention").containsKey(point);
                }
            });
            // InfluxDB drops an older point only when no shard group (1 h for a 1-day policy) of its batch covers it
            long firstShardKept = Math.floorDiv(started - DAY, HOUR) * HOUR;
            assertThat(kept.values()).allSatisfy(time -> assertThat(time).isGreaterThanOrEqualTo(firstShardKept));
            assertThat(kept.size()).isGreaterThan(300);
            long dropped = all.size() - kept.size();
            assertThat(dropped).isGreaterThan(300);
            Map<String, Object> counted = rp.one("SELECT sum(points_outside_retention) AS n FROM pipeline"
                    + " WHERE source = 'influxdb'");
            assertThat(((Number) counted.get("n")).longValue()).isEqualTo(dropped);
        }
    }

    @Test
    void aFieldStoredWithAnotherTypeStopsTheJobWithinThirtySecondsWithOneLine() throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        publish("clash", end, Duration.ofMinutes(30), 17);
        try (LocalInflux influx = LocalInflux.start(dir.resolve("influx-clash"), 0, false);
                InfluxDB other = InfluxDBFactory.connect(influx.url())) {
            // another writer's interactions with events as a string, inside the data's time and so in its shard
            other.query(new org.influxdb.dto.Query("CREATE DATABASE clash"));
            other.write("clash", null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS,
                    List.of("interactions,channel=chat events=\"many\" " + end.minus(Duration.ofMinutes(10)).toEpochMilli()));
            String config = config("clash").toString();
            Outcome stopped = CompletableFuture.supplyAsync(() -> run("--bounded", "--kafka",
                    kafka.bootstrapServers(), "--influx", influx.url(), "--db", "clash", "--config", config))
                    .get(30, TimeUnit.SECONDS);
            assertThat(stopped.code()).isEqualTo(1);
            assertThat(stopped.err()).isEqualTo("touchpoint run: job failed: InfluxDB refused field 'events' of"
                    + " measurement 'interactions' in database 'clash': the job writes it as integer, the database"
                    + " already holds it as string; write into a new database (--db NAME) or drop the measurement"
                    + " (DROP MEASUREMENT \"interactions\") and run again" + System.lineSeparator());
        }
    }

    @Test
    void aMissingDatabaseWithAUserWhoMayNotCreateItStopsAtStart() throws Exception {
        kafka.createTopics(1, "nodb.interactions", "nodb.surveys", "nodb.dead-letter", "nodb.churn-risk");
        try (LocalInflux influx = LocalInflux.start(dir.resolve("influx-auth"), 0, true)) {
            influx.createAdmin("admin", "admin-pass");
            try (InfluxRows admin = new InfluxRows(influx.url(), "touchpoint", "admin", "admin-pass")) {
                admin.query("CREATE USER writer WITH PASSWORD 'writer-pass'");
            }
            Outcome stopped = run("--bounded", "--kafka", kafka.bootstrapServers(), "--influx", influx.url(),
                    "--db", "nodb", "--config", config("nodb", "influx.username = writer",
                            "influx.password = writer-pass").toString());
            assertThat(stopped.code()).isEqualTo(1);
            assertThat(stopped.out()).isEmpty();
            assertThat(stopped.err()).isEqualTo("touchpoint run: database 'nodb' does not exist on InfluxDB at "
                    + influx.url() + " and user 'writer' may not create it (writer not authorized to execute statement"
                    + " 'CREATE DATABASE nodb', requires admin privilege); an admin can create it: CREATE DATABASE"
                    + " \"nodb\"; GRANT WRITE ON \"nodb\" TO \"writer\"" + System.lineSeparator());
        }
    }
}
