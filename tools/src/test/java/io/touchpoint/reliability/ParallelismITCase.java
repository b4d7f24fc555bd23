package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.job.MonitorMain;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.SeriesSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job computes the same points whatever its parallelism: big-centre traffic ({@code simulate --scale 20}) run
 * bounded at parallelism 1 and at 4, and every stored point of every event-time measurement compared. The pipeline
 * measurement is left out: it counts per minute of processing time.
 *
 * <p>The period is the two simulated days of issue 9 (about 1.6 million events; about three minutes on a 2-core
 * machine since the fifth session's speed-ups); {@code -Dtouchpoint.parallelism-it.hours=6} runs a quicker six
 * hours.
 */
class ParallelismITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir
    Path dir;

    @Test
    void parallelismOneAndFourWriteTheSamePoints() throws Exception {
        long hours = Long.getLong("touchpoint.parallelism-it.hours", 48);
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        try {
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
            Duration span = Duration.ofHours(hours);
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                    new Properties())) {
                new Simulator(Scenario.steady(), end.minus(span), span, 31, 20).forEachRemaining(publisher::publish);
                publisher.flush();
                assertThat(publisher.interactions()).isGreaterThan(10_000 * hours);
            }
            for (int parallelism : new int[] {1, 4}) {
                Configuration config = new Configuration();
                config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
                config.set(MonitorOptions.KAFKA_GROUP_ID, "parallelism-" + parallelism);
                config.set(MonitorOptions.INFLUX_URL, influx.url());
                config.set(MonitorOptions.INFLUX_DATABASE, "p" + parallelism);
                config.set(MonitorOptions.BOUNDED, true);
                config.set(MonitorOptions.PARALLELISM, parallelism);
                config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ZERO);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(parallelism);
                MonitorMain.job(config).execute(env);
            }
            Map<String, List<String>> one =
                    SeriesSnapshot.of(influx.url(), "p1", SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
            Map<String, List<String>> four =
                    SeriesSnapshot.of(influx.url(), "p4", SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
            assertThat(one.get("nps")).hasSizeGreaterThan(1_000);
            assertThat(one.get("first_response")).hasSizeGreaterThan(1_000);
            assertThat(one.get("churn_risk")).isNotEmpty();
            SeriesSnapshot.assertSame(one, four, "parallelism 4 against parallelism 1");
        } finally {
            influx.stop();
            kafka.stop();
        }
    }
}
