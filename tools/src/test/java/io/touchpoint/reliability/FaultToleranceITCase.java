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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
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
 * the Kafka broker stopped and started again — and each run's final InfluxDB content compared, point for point,
 * with a failure-free run over the same input. The pipeline measurement is left out of the comparison: it counts
 * per minute of processing time, so it differs between any two runs.
 */
class FaultToleranceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final List<String> MEASUREMENTS = List.of("nps", "nps_touchpoint", "csat", "ces", "interactions",
            "first_response", "backlog", "churn_risk");

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static int kafkaPort;
    private static LocalInflux influx;
    private static Map<String, List<String>> reference;

    @BeforeAll
    static void publishAndRunWithoutFaults() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        kafkaPort = kafka.port();
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        Duration span = Duration.ofHours(10);
        try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                new Properties())) {
            new Simulator(Scenario.named("email-outage").daytimeAllDay(), end.minus(span), span, 21)
                    .forEachRemaining(publisher::publish);
            publisher.flush();
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        new MonitorJob(config,
                KafkaInputs.source(config, RecordDecoder.Kind.INTERACTIONS),
                KafkaInputs.source(config, RecordDecoder.Kind.SURVEYS),
                metrics != null ? metrics : new InfluxSink(InfluxSettings.from(config)),
                KafkaInputs.deadLetterSink(config),
                ChurnSignals.sink(config)).build(env);
        return env.executeAsync("fault run " + config.get(MonitorOptions.INFLUX_DATABASE));
    }

    /** Every point of every compared measurement, as sorted lines. */
    private static Map<String, List<String>> contents(String database) {
        Map<String, List<String>> all = new TreeMap<>();
        try (InfluxRows rows = new InfluxRows(influx.url(), database)) {
            for (String m : MEASUREMENTS) {
                List<String> lines = new ArrayList<>();
                for (Map<String, Object> row : rows.query("SELECT * FROM " + m)) {
                    lines.add(new TreeMap<>(row).toString());
                }
                lines.sort(null);
                all.put(m, lines);
            }
        }
        return all;
    }

    private static void awaitPoints(String database) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (InfluxRows rows = new InfluxRows(influx.url(), database)) {
                if (!rows.query("SELECT count(events) FROM interactions").isEmpty()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // database not created yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no points arrived in " + database);
    }

    @Test
    void influxdKilledMidRunAndBack30sLaterLosesNothing() throws Exception {
        JobClient job = run(config("influx_down"), null);
        awaitPoints("influx_down");
        influx.kill();
        Thread.sleep(30_000);
        influx.restart();
        job.getJobExecutionResult().get();
        assertThat(contents("influx_down")).isEqualTo(reference);
    }

    @Test
    void aTaskFailureRestartsFromTheCheckpointWithoutDoubleCounting() throws Exception {
        FailingOnceSink.reset(20_000);
        Configuration config = config("task_failure");
        JobClient job = run(config, new FailingOnceSink(InfluxSettings.from(config)));
        job.getJobExecutionResult().get();
        assertThat(FailingOnceSink.FAILED.get()).isTrue();
        assertThat(contents("task_failure")).isEqualTo(reference);
    }

    @Test
    void theBrokerStoppedAndStartedAgainMidRun() throws Exception {
        JobClient job = run(config("broker_down"), null);
        awaitPoints("broker_down");
        kafka.stop();
        Thread.sleep(5_000);
        kafka = LocalKafka.start(dir.resolve("kafka"), kafkaPort);
        job.getJobExecutionResult().get();
        assertThat(contents("broker_down")).isEqualTo(reference);
    }

    /** The InfluxDB sink, whose writers throw once after a number of points: an injected task failure. */
    static final class FailingOnceSink implements Sink<MetricPoint> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong WRITTEN = new AtomicLong();
        static volatile long failAfter;

        private final InfluxSink delegate;

        FailingOnceSink(InfluxSettings settings) {
            this.delegate = new InfluxSink(settings);
        }

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
