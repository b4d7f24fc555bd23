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
 * InfluxDB with authentication on: the job writes with credentials from a properties file, the password never
 * appears in any log line or logged exception, and a wrong password stops {@code run} at start-up with one line.
 */
class SecurityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String PASSWORD = "Tr0ub4dor&3-never-logged";

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

        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        LocalInflux influx = LocalInflux.start(dir.resolve("influx"), 0, true);
        try {
            influx.createAdmin("monitor", PASSWORD);
            kafka.createTopics(3, "cx.interactions", "cx.surveys", "cx.dead-letter", "cx.churn-risk");
            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
            try (Publisher publisher = new Publisher(kafka.bootstrapServers(), "cx.interactions", "cx.surveys",
                    new Properties())) {
                new Simulator(Scenario.steady().daytimeAllDay(), end.minus(Duration.ofMinutes(30)),
                        Duration.ofMinutes(30), 8).forEachRemaining(publisher::publish);
                publisher.flush();
            }
            Path good = dir.resolve("good.properties");
            Files.writeString(good, "influx.username = monitor\ninflux.password = " + PASSWORD + "\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.bootstrapServers(), "--influx",
                    influx.url(), "--db", "secure", "--config", good.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            try (InfluxRows rows = new InfluxRows(influx.url(), "secure", "monitor", PASSWORD)) {
                assertThat(rows.query("SELECT count(events) AS n FROM interactions")).hasSize(1);
            }

            Path bad = dir.resolve("bad.properties");
            Files.writeString(bad, "influx.username = monitor\ninflux.password = wrong-" + PASSWORD + "\n");
            err.reset();
            code = RunCommand.run(new String[] {"--bounded", "--kafka", kafka.bootstrapServers(), "--influx",
                    influx.url(), "--db", "secure", "--config", bad.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo(
                    "touchpoint run: InfluxDB at " + influx.url() + " rejected the credentials for user 'monitor'");

            assertThat(logged).isNotEmpty();
            assertThat(logged).noneMatch(line -> line.contains(PASSWORD));
            assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                    .doesNotContain(PASSWORD);
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("capture");
            context.getConfiguration().getRootLogger().setLevel(before);
            context.updateLoggers();
            influx.stop();
            kafka.stop();
        }
    }
}
