package io.touchpoint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.config.MonitorOptions;
import io.touchpoint.stack.LocalKafka;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's skeleton job reads what the bench publishes as the real job does and carries every event to the end
 * of its chain: a skeleton that lost events would make a second ceiling that is too high.
 */
class SkeletonJobITCase {

    @TempDir
    Path dir;

    @Test
    void carriesEveryPublishedEventThroughItsThreeKeys() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0)) {
            kafka.createTopics(2, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
            BenchCommand.Published published = BenchCommand.publish(kafka.bootstrapServers(), 20_000, 5, 11,
                    new PrintStream(OutputStream.nullOutputStream()));
            Configuration config = new Configuration();
            config.set(MonitorOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
            config.set(MonitorOptions.KAFKA_GROUP_ID, "skeleton");
            config.set(MonitorOptions.BOUNDED, true);
            config.set(MonitorOptions.PARALLELISM, 2);
            config.set(MonitorOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
            config.set(MonitorOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());

            SkeletonJob.Result result = SkeletonJob.run(config);

            assertThat(published.events()).isEqualTo(20_000);
            assertThat(result.events()).isEqualTo(published.events());
            assertThat(result.interactions()).isGreaterThan(15_000);
            assertThat(result.surveys()).isGreaterThan(0);
            assertThat(result.seconds()).isPositive();
        }
    }
}
