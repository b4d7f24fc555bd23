package io.touchpoint.testing;

import io.touchpoint.stack.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker on a free loopback port for the tests of one class: started before the first test, stopped
 * and its data deleted after the last. Register as {@code @RegisterExtension static final KafkaBroker kafka}.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private LocalKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("kafka-broker");
        kafka = LocalKafka.start(dir, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (kafka != null) {
            kafka.stop();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public void createTopics(int partitions, String... topics) {
        kafka.createTopics(partitions, topics);
    }
}
