package io.touchpoint.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.stack.Ports;
import io.touchpoint.testing.SeriesSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real Flink session cluster — a JobManager and two TaskManagers, each a JVM of its own with
 * only Flink on its class path, RocksDB state on disk, network shuffles between the TaskManagers — submitted over
 * REST as {@code touchpoint run --cluster} does. Each run's InfluxDB content is compared point for point with a run
 * of the same input in the in-process MiniCluster: undisturbed, stopped with savepoints and rescaled 2 → 4 → 1, and
 * with a TaskManager killed (SIGKILL) in the middle.
 */
class ClusterITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Records per second per input topic while a run is to be interrupted: the input then lasts about 25 s. */
    private static final double SLOW = 400;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static LocalInflux influx;
    private static LocalCluster cluster;
    private static FlinkRest rest;
    private static String jarId;
    private static Map<String, List<String>> reference;

    @BeforeAll
    static void startAndRunOnTheMiniCluster() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        Duration span = Duration.ofHours(3);
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                new Properties())) {
            new Simulator(Scenario.named("email-outage").daytimeAllDay(), end.minus(span), span, 10)
                    .forEachRemaining(publisher::publish);
            publisher.flush();
        }

        cluster = new LocalCluster(dir.resolve("cluster"), Path.of("..")); // tests run in tools/
        cluster.start(2, 2, Ports.free(), false);
        rest = cluster.rest();
        jarId = rest.uploadJar(ClusterSubmit.defaultJarUnder(Path.of("..")));

        Configuration mini = MonitorConfig.load(configFile("mini", 0), Map.of(), Map.of());
        mini.set(MonitorOptions.CHECKPOINT_DIR, dir.resolve("mini-checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        MonitorMain.job(mini).execute(env);
        reference = snapshot("mini");
        assertThat(reference.get("nps")).hasSizeGreaterThan(100);
        assertThat(reference.get("first_response")).hasSizeGreaterThan(100);
        assertThat(reference.get("churn_risk")).isNotEmpty();
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.stop();
        }
        if (influx != null) {
            influx.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aBoundedRunOnTheClusterWritesWhatTheMiniClusterWrites() throws Exception {
        // state.backend overrides the cluster's RocksDB, which the other runs use
        String job = submit("cluster", 2, null, 0, MonitorOptions.STATE_BACKEND.key() + "=hashmap");
        rest.awaitFinished(job, RUN_TIMEOUT);
        assertThat(stateBackendOf(job)).isEqualTo("HashMapStateBackend");
        assertSameAsReference("cluster");
    }

    @Test
    void stoppedWithSavepointsAndRestoredAtParallelism4Then1() throws Exception {
        String savepoints = dir.resolve("savepoints").toUri().toString();
        String first = submit("rescaled", 2, null, SLOW);
        awaitCompletedCheckpoint(first);
        SeriesSnapshot.awaitPoints(influx.url(), "rescaled");
        String atTwo = rest.stopWithSavepoint(first, savepoints, RUN_TIMEOUT);
        long afterFirst = SeriesSnapshot.size(snapshot("rescaled"));
        assertThat(afterFirst).as("the first run was stopped in the middle").isLessThan(SeriesSnapshot.size(reference));

        String second = submit("rescaled", 4, atTwo, SLOW);
        awaitCompletedCheckpoint(second);
        assertThat(parallelismOf(second, "interaction volume")).isEqualTo(4);
        String atFour = rest.stopWithSavepoint(second, savepoints, RUN_TIMEOUT);
        assertThat(SeriesSnapshot.size(snapshot("rescaled"))).as("the second run was stopped in the middle")
                .isLessThan(SeriesSnapshot.size(reference));

        String third = submit("rescaled", 1, atFour, 0);
        rest.awaitFinished(third, RUN_TIMEOUT);
        assertThat(stateBackendOf(third)).isEqualTo("EmbeddedRocksDBStateBackend");
        assertThat(parallelismOf(third, "interaction volume")).isEqualTo(1);
        assertThat(rest.checkpoints(third).path("latest").path("restored").path("is_savepoint").asBoolean()).isTrue();
        assertSameAsReference("rescaled");
    }

    @Test
    void aTaskManagerKilledMidRunIsReplacedAndTheJobGoesOnFromItsCheckpoint() throws Exception {
        String job = submit("tm_killed", 2, null, SLOW);
        awaitCompletedCheckpoint(job);
        SeriesSnapshot.awaitPoints(influx.url(), "tm_killed");
        cluster.killTaskManager(1);
        cluster.startTaskManager(1, false);
        rest.awaitFinished(job, RUN_TIMEOUT);
        JsonNode restored = rest.checkpoints(job).path("latest").path("restored");
        assertThat(restored.isObject()).as("the job restarted from a checkpoint").isTrue();
        assertThat(restored.path("is_savepoint").asBoolean()).isFalse();
        assertSameAsReference("tm_killed");
    }

    /**
     * A properties file for a bounded run writing to {@code database}; the JobManager reads it when the job's
     * {@code main} runs there.
     */
    private static Path configFile(String database, double recordsPerSecond, String... more) throws IOException {
        Path file = dir.resolve(database + ".properties");
        Files.writeString(file, String.join("\n", more) + "\n" + String.join("\n",
                MonitorOptions.KAFKA_BOOTSTRAP.key() + "=" + kafka.bootstrapServers(),
                MonitorOptions.KAFKA_GROUP_ID.key() + "=cluster-" + database,
                MonitorOptions.INFLUX_URL.key() + "=" + influx.url(),
                MonitorOptions.INFLUX_DATABASE.key() + "=" + database,
                MonitorOptions.BOUNDED.key() + "=true",
                MonitorOptions.INFLUX_BATCH_SIZE.key() + "=500",
                MonitorOptions.CHECKPOINT_INTERVAL.key() + "=1s",
                MonitorOptions.MAX_RECORDS_PER_SECOND.key() + "=" + recordsPerSecond,
                ""));
        return file;
    }

    private static String submit(String database, int parallelism, String savepoint, double recordsPerSecond,
            String... more) throws IOException {
        Path config = configFile(database, recordsPerSecond, more);
        return rest.runJar(jarId, MonitorMain.class.getName(), parallelism,
                List.of("--config", config.toString(), "--parallelism", String.valueOf(parallelism)), savepoint);
    }

    private static void awaitCompletedCheckpoint(String job) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (rest.checkpoints(job).path("counts").path("completed").asInt() < 1) {
            assertThat(rest.state(job)).as("job " + job).isIn(Set.of("CREATED", "INITIALIZING", "RUNNING"));
            assertThat(System.nanoTime()).as("a completed checkpoint of " + job).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The state backend the job ran with, as {@code GET /jobs/ID/checkpoints/config} names it. */
    private static String stateBackendOf(String job) throws IOException {
        return rest.checkpointConfig(job).path("state_backend").asText();
    }

    private static int parallelismOf(String job, String vertexName) throws IOException {
        for (JsonNode vertex : rest.job(job).path("vertices")) {
            if (vertex.path("name").asText().contains(vertexName)) {
                return vertex.path("parallelism").asInt();
            }
        }
        throw new AssertionError("no vertex named " + vertexName + " in job " + job);
    }

    private static Map<String, List<String>> snapshot(String database) {
        return SeriesSnapshot.of(influx.url(), database, SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
    }

    private static void assertSameAsReference(String database) {
        SeriesSnapshot.assertSame(reference, snapshot(database), database + " differs from the MiniCluster run");
    }
}
