package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.cli.RunCommand;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.InfluxRows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * InfluxDB with authentication on and a Kafka listener that takes only SASL (PLAIN) clients: the job reads and
 * writes with credentials from a properties file, no password ever appears in any log line or logged exception,
 * and a wrong InfluxDB or Kafka password stops {@code run} at start-up with one line.
 */
class SecurityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String PASSWORD = "Tr0ub4dor&3-never-logged";
    private static final String KAFKA_PASSWORD = "k4fka-c0rrect-h0rse-never-logged";

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"monitor\" password=\""
                + password + "\";";
    }

    @TempDir
    Path dir;

    @Test
    void credentialsComeFromTheFileAndNeverReachTheLogs() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                logged.add(line.toString());
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Level before = context.getConfiguration().getRootLogger().getLevel();
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.getConfiguration().getRootLogger().setLevel(Level.INFO);
        context.updateLoggers();

        // a broker that takes clients only with SASL (PLAIN) credentials on the listener the job uses
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0, java.util.Map.of("monitor", KAFKA_PASSWORD));
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, true);
        try {
            influx.createAdmin("monitor", PASSWORD);
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
            Properties sasl = new Properties();
            sasl.setProperty("security.protocol", "SASL_PLAINTEXT");
            sasl.setProperty("sasl.mechanism", "PLAIN");
            sasl.setProperty("sasl.jaas.config", jaas(KAFKA_PASSWORD));
            try (Publisher publisher = new Publisher(kafka.saslBootstrapServers(), "cx.interactions", "cx.surveys",
                    sasl)) {
                new Simulator(Scenario.steady().daytimeAllDay(), end.minus(Duration.ofMinutes(30)),
                        Duration.ofMinutes(30), 8).forEachRemaining(publisher::publish);
                publisher.flush();
            }
            Path good = dir.resolve("good.properties");
            String kafkaClient = "kafka.client.security.protocol = SASL_PLAINTEXT\n"
                    + "kafka.client.sasl.mechanism = PLAIN\n"
                    + "kafka.client.sasl.jaas.config = " + jaas(KAFKA_PASSWORD) + "\n";
            Files.writeString(good, "influx.username = monitor\ninflux.password = " + PASSWORD + "\n" + kafkaClient);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.saslBootstrapServers(), "--influx",
                    influx.url(), "--db", "secure", "--config", good.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            try (InfluxRows rows = new InfluxRows(influx.url(), "secure", "monitor", PASSWORD)) {
                assertThat(rows.query("SELECT count(events) AS n FROM interactions")).hasSize(1);
            }

            Path bad = dir.resolve("bad.properties");
            Files.writeString(bad, "influx.username = monitor\ninflux.password = wrong-" + PASSWORD + "\n" + kafkaClient);
            err.reset();
            code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.saslBootstrapServers(), "--influx",
                    influx.url(), "--db", "secure", "--config", bad.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo(
                    "touchpoint run: InfluxDB at " + influx.url() + " rejected the credentials for user 'monitor'");

            // a wrong Kafka password stops run at start-up, too
            Path badKafka = dir.resolve("bad-kafka.properties");
            Files.writeString(badKafka, Files.readString(good).replace(KAFKA_PASSWORD, "wrong-" + KAFKA_PASSWORD));
            err.reset();
            code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.saslBootstrapServers(), "--influx",
                    influx.url(), "--db", "secure", "--config", badKafka.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("touchpoint run: Kafka at "
                    + kafka.saslBootstrapServers() + " rejected the client credentials (SaslAuthenticationException);"
                    + " check kafka.client.sasl.* in the config file");

            assertThat(logged).isNotEmpty();
            assertThat(logged).noneMatch(line -> line.contains(PASSWORD) || line.contains(KAFKA_PASSWORD));
            assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                    .doesNotContain(PASSWORD).doesNotContain(KAFKA_PASSWORD);
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("capture");
            context.getConfiguration().getRootLogger().setLevel(before);
            context.updateLoggers();
            influx.stop();
            kafka.stop();
        }
    }
}
