package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.churn.ChurnSignals;
import io.touchpoint.config.MonitorOptions;
import io.touchpoint.influx.InfluxSettings;
import io.touchpoint.influx.InfluxSink;
import io.touchpoint.influx.MetricPoint;
import io.touchpoint.ingest.KafkaInputs;
import io.touchpoint.ingest.RecordDecoder;
import io.touchpoint.job.MonitorJob;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import io.touchpoint.testing.SeriesSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults done to real processes in the middle of a run — influxd killed and restarted 30 s later, a task failure,
 * the Kafka broker stopped and started again, the job stopped with a savepoint and started again from it — and each
 * run's final InfluxDB content compared, point for point,
 * with a failure-free run over the same input. The pipeline measurement is left out of the comparison: it counts
 * per minute of processing time, so it differs between any two runs.
 */
class FaultToleranceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static int kafkaPort;
    private static LocalInflux influx;
    private static Map<String, List<String>> reference;
    private static long published;

    @BeforeAll
    static void publishAndRunWithoutFaults() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        kafkaPort = kafka.port();
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
        // the same input again on topics of its own, for the savepoint test, which deletes records from them
        kafka.createTopics(3, "sp.interactions", "sp.surveys", "sp.dead-letter", "sp.churn-risk");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        Duration span = Duration.ofHours(10);
        for (String prefix : List.of("cx", "sp")) {
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), prefix + ".interactions",
                    prefix + ".surveys", new Properties())) {
                new Simulator(Scenario.named("email-outage").daytimeAllDay(), end.minus(span), span, 21)
                        .forEachRemaining(publisher::publish);
                publisher.flush();
                published = publisher.interactions() + publisher.surveys();
            }
        }
        run(config("reference"), null).getJobExecutionResult().get();
        reference = contents("reference");
        assertThat(reference.get("nps")).hasSizeGreaterThan(500);
        assertThat(reference.get("first_response")).hasSizeGreaterThan(500);
        assertThat(reference.get("churn_risk")).isNotEmpty();
    }

    @AfterAll
    static void stop() {
        if (influx != null) {
            influx.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    private static Configuration config(String database) {
        Configuration config = new Configuration();
        config.set(MonitorOptions.KAFKA_BOOTSTRAP, "127.0.0.1:" + kafkaPort);
        config.set(MonitorOptions.KAFKA_GROUP_ID, "fault-" + database);
        config.set(MonitorOptions.INFLUX_URL, influx.url());
        config.set(MonitorOptions.INFLUX_DATABASE, database);
        config.set(MonitorOptions.BOUNDED, true);
        config.set(MonitorOptions.INFLUX_BATCH_SIZE, 500);
        config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        config.set(MonitorOptions.CHECKPOINT_DIR, dir.resolve("checkpoints-" + database).toUri().toString());
        return config;
    }

    /** Submits the bounded job; {@code metrics} replaces the InfluxDB sink when given. */
    private static JobClient run(Configuration config, Sink<MetricPoint> metrics) throws Exception {
        return run(config, metrics, null, false);
    }

    /**
     * Submits the bounded job, restored from {@code savepoint} when given; {@code slow} reads the input at a few
     * records per millisecond.
     */
    private static JobClient run(Configuration config, Sink<MetricPoint> metrics, String savepoint, boolean slow)
            throws Exception {
        Configuration restore = new Configuration();
        if (savepoint != null) {
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        env.setParallelism(2);
        var interactions = KafkaInputs.source(config, RecordDecoder.Kind.INTERACTIONS);
        var surveys = KafkaInputs.source(config, RecordDecoder.Kind.SURVEYS);
        new MonitorJob(config,
                slow ? ThrottledSource.of(interactions, 4) : interactions,
                slow ? ThrottledSource.of(surveys, 1) : surveys,
                metrics != null ? metrics : new InfluxSink(InfluxSettings.from(config)),
                KafkaInputs.deadLetterSink(config),
                ChurnSignals.sink(config)).build(env);
        return env.executeAsync("fault run " + config.get(MonitorOptions.INFLUX_DATABASE));
    }

    private static Map<String, List<String>> contents(String database) {
        return SeriesSnapshot.of(influx.url(), database, SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
    }

    private static void assertSameAsReference(String database) {
        SeriesSnapshot.assertSame(reference, contents(database), database + " differs from the failure-free run");
    }

    private static void awaitPoints(String database) throws InterruptedException {
        SeriesSnapshot.awaitPoints(influx.url(), database);
    }

    @Test
    void influxdKilledMidRunAndBack30sLaterLosesNothing() throws Exception {
        JobClient job = run(config("influx_down"), null);
        awaitPoints("influx_down");
        influx.kill();
        Thread.sleep(30_000);
        influx.restart();
        job.getJobExecutionResult().get();
        assertSameAsReference("influx_down");
    }

    @Test
    void aTaskFailureRestartsFromTheCheckpointWithoutDoubleCounting() throws Exception {
        CountingSink.reset(20_000);
        Configuration config = config("task_failure");
        JobClient job = run(config, new CountingSink(InfluxSettings.from(config)));
        job.getJobExecutionResult().get();
        assertThat(CountingSink.FAILED.get()).isTrue();
        assertSameAsReference("task_failure");
    }

    @Test
    void theBrokerStoppedAndStartedAgainMidRun() throws Exception {
        JobClient job = run(config("broker_down"), null);
        awaitPoints("broker_down");
        kafka.stop();
        Thread.sleep(5_000);
        kafka = LocalKafka.start(dir.resolve("kafka"), kafkaPort);
        job.getJobExecutionResult().get();
        assertSameAsReference("broker_down");
    }

    @Test
    void stoppedWithASavepointAndStartedAgainFromIt() throws Exception {
        Configuration config = config("savepoint");
        config.set(MonitorOptions.TOPIC_INTERACTIONS, "sp.interactions");
        config.set(MonitorOptions.TOPIC_SURVEYS, "sp.surveys");
        config.set(MonitorOptions.TOPIC_DEAD_LETTER, "sp.dead-letter");
        config.set(MonitorOptions.TOPIC_CHURN_RISK, "sp.churn-risk");
        CountingSink.reset(Long.MAX_VALUE);
        JobClient first = run(config, new CountingSink(InfluxSettings.from(config)), null, true);
        awaitPoints("savepoint");
        String savepoint = null;
        for (int attempt = 1; savepoint == null; attempt++) {
            try {
                savepoint = first.triggerSavepoint(dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // a source that has read all its input declines while it is closing; once finished, it is skipped
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        first.cancel().get(60, TimeUnit.SECONDS);
        assertThat(CountingSink.WRITTEN.get()).as("the first run was stopped in the middle").isLessThan(reference
                .values().stream().mapToLong(List::size).sum());

        long restarted = System.currentTimeMillis();
        run(config, null, savepoint, false).getJobExecutionResult().get();
        assertSameAsReference("savepoint");
        // The restored job read on from the savepoint's offsets, not from the beginning: its pipeline points
        // (processing-time minutes from the restart on) count fewer records than the input holds.
        try (InfluxRows rows = new InfluxRows(influx.url(), "savepoint")) {
            long minute = restarted - restarted % 60_000;
            double readAfterRestart = ((Number) rows.query("SELECT sum(records_in) AS n FROM pipeline WHERE time >= "
                    + minute + "ms").get(0).get("n")).doubleValue();
            assertThat(readAfterRestart).isPositive().isLessThan(0.9 * published);
        }
    }

    /**
     * The InfluxDB sink, counting the points it is given; its writers throw once when the count reaches
     * {@code failAfter}: an injected task failure.
     */
    static final class CountingSink implements Sink<MetricPoint> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong WRITTEN = new AtomicLong();
        static volatile long failAfter;

        private final InfluxSink delegate;

        CountingSink(InfluxSettings settings) {
            this.delegate = new InfluxSink(settings);
        }

        /** Counts from zero again, failing once after {@code points} ({@code Long.MAX_VALUE}: never). */
        static void reset(long points) {
            FAILED.set(false);
            WRITTEN.set(0);
            failAfter = points;
        }

        @Override
        public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
            SinkWriter<MetricPoint> writer = delegate.createWriter(context);
            return new SinkWriter<>() {
                @Override
                public void write(MetricPoint point, Context ctx) throws IOException, InterruptedException {
                    if (WRITTEN.incrementAndGet() >= failAfter && FAILED.compareAndSet(false, true)) {
                        throw new IOException("injected task failure after " + failAfter + " points");
                    }
                    writer.write(point, ctx);
                }

                @Override
                public void flush(boolean endOfInput) throws IOException, InterruptedException {
                    writer.flush(endOfInput);
                }

                @Override
                public void close() throws Exception {
                    writer.close();
                }
            };
        }
    }
}
