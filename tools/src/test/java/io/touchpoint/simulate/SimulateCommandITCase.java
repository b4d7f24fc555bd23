package io.touchpoint.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.replay.TopicReader;
import io.touchpoint.schemas.SingleObjectCodec;
import io.touchpoint.testing.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code touchpoint simulate} publishing to a real broker, at full speed and live. */
class SimulateCommandITCase {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();


    private static int simulate(ByteArrayOutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        return code;
    }

    private static Path topics(String prefix) throws Exception {
        Path config = dir.resolve(prefix + ".properties");
        Files.writeString(config, "topic.interactions = " + prefix + ".interactions\n"
                + "topic.surveys = " + prefix + ".surveys\n");
        return config;
    }

    @Test
    void maxSpeedPublishesTheSimulatedPeriodAsGenerated() throws Exception {
        kafka.createTopics(3, "s1.interactions", "s1.surveys");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = simulate(out, "--speed", "max", "--duration", "30m", "--seed", "4",
                "--end", "2026-11-02T15:00:00Z", "--kafka", kafka.bootstrapServers(), "--config",
                topics("s1").toString());

        Map<String, List<InteractionEvent>> expected = new HashMap<>();
        List<SurveyResponse> expectedSurveys = new ArrayList<>();
        new Simulator(Scenario.steady(), Instant.parse("2026-11-02T14:30:00Z"), Duration.ofMinutes(30), 4)
                .forEachRemaining(r -> {
                    if (r instanceof InteractionEvent e) {
                        expected.computeIfAbsent(e.getConversationId(), k -> new ArrayList<>()).add(e);
                    } else {
                        expectedSurveys.add((SurveyResponse) r);
                    }
                });
        long interactions = expected.values().stream().mapToLong(List::size).sum();
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("published " + interactions + " interactions, "
                + expectedSurveys.size() + " surveys (steady, seed 4, 2026-11-02T14:30:00Z to 2026-11-02T15:00:00Z) to "
                + kafka.bootstrapServers() + "\n");

        Map<String, List<InteractionEvent>> published = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka.bootstrapServers(), "s1.interactions")) {
            published.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(SingleObjectCodec.interactions().decode(r.value()));
        }
        // per conversation (the key) exactly the generated events in the generated order
        assertThat(published).isEqualTo(expected);
        List<ConsumerRecord<byte[], byte[]>> surveys = TopicReader.readAll(kafka.bootstrapServers(), "s1.surveys");
        assertThat(surveys).hasSize(expectedSurveys.size());
    }

    @Test
    void aSpeedPublishesLiveWithEventTimesFromNow() throws Exception {
        kafka.createTopics(1, "s2.interactions", "s2.surveys");
        Instant before = Instant.now();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 20 simulated minutes at 600x: two seconds of wall time
        int code = simulate(out, "--speed", "600", "--duration", "20m", "--seed", "5",
                "--kafka", kafka.bootstrapServers(), "--config", topics("s2").toString());
        Instant after = Instant.now();

        assertThat(code).isZero();
        assertThat(Duration.between(before, after)).isGreaterThan(Duration.ofMillis(1500));
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(2)
                .first().isEqualTo("simulating steady live at 600.0x for PT20M (Ctrl-C stops)");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka.bootstrapServers(), "s2.interactions");
        assertThat(records).hasSizeGreaterThan(50);
        Instant previous = Instant.MIN;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            InteractionEvent e = SingleObjectCodec.interactions().decode(r.value());
            // one partition: the whole topic is in publishing order, and event times are wall-clock times
            assertThat(e.getOccurredAt()).isBetween(before, after).isAfterOrEqualTo(previous);
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(e.getOccurredAt().toEpochMilli() - 1);
            previous = e.getOccurredAt();
        }
    }
}
