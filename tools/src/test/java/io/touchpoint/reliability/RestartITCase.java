package io.touchpoint.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.job.StateDirectory;
import io.touchpoint.replay.Publisher;
import io.touchpoint.simulate.Scenario;
import io.touchpoint.simulate.Simulator;
import io.touchpoint.stack.LocalInflux;
import io.touchpoint.stack.LocalKafka;
import io.touchpoint.testing.SeriesSnapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code touchpoint run} live, as an operations team runs it: a process of its own, stopped with SIGTERM (what
 * systemd and deploy scripts send) or killed with SIGKILL while traffic arrives, and started again with the same
 * command; every point it wrote is compared with an undisturbed run over the same input.
 *
 * <p>The input is two hours of simulated traffic, a few thousand events, published while the job runs. Its event
 * times lie in the past and the runs set {@code watermark.idleness} to an hour, so the series are pure event time
 * and do not depend on when the wall clock stopped a run. A restored job has no watermark until each partition
 * sends again, so the last part of the input is published only once the restarted run is up, as live traffic
 * would keep arriving.
 */
class RestartITCase {

    private static final Duration SPAN = Duration.ofHours(2);

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static LocalInflux influx;
    private static List<SpecificRecord> input;
    private static Map<String, List<String>> reference;
    private static final long T0 = System.nanoTime();

    /** Progress with the seconds since the class started, in the test output: where the time of a run goes. */
    private static void log(String what) {
        System.out.printf("%6.1f s  %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    @BeforeAll
    static void startServicesAndRunUndisturbed() throws Exception {
        kafka = LocalKafka.start(dir.resolve("kafka"), 0);
        influx = LocalInflux.start(dir.resolve("influx"), 0, false);
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        input = new ArrayList<>();
        new Simulator(Scenario.named("steady").daytimeAllDay(), end.minus(SPAN), SPAN, 7)
                .forEachRemaining(input::add);
        log(input.size() + " events simulated");

        kafka.createTopics(3, topics("ref"));
        try (Publisher publisher = publisher("ref")) {
            input.forEach(publisher::publish);
        }
        Run undisturbed = Run.start("ref", false);
        undisturbed.awaitCaughtUp();
        undisturbed.stopWithSigterm();
        reference = SeriesSnapshot.of(influx.url(), "ref", SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
        log("undisturbed run: " + reference.values().stream().mapToInt(List::size).sum() + " points");
        assertThat(reference.get("interactions")).hasSizeGreaterThan(500);
        assertThat(reference.get("backlog")).hasSizeGreaterThan(300);
        assertThat(reference.get("nps")).hasSizeGreaterThan(100);
    }

    @AfterAll
    static void stopServices() {
        if (influx != null) {
            influx.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void stoppedWithSigtermAndStartedAgainContinuesWhereItStopped() throws Exception {
        disturbAndCompare("term", Run::stopWithSigterm, "restoring the savepoint of");
    }

    @Test
    void killedWithSigkillAndStartedAgainRestoresTheRetainedCheckpoint() throws Exception {
        disturbAndCompare("kill", Run::kill, "restoring the retained checkpoint of");
    }

    /**
     * The undisturbed run's savepoint, copied to a state directory of its own and damaged: first one of its state
     * files (the tasks fail while restoring, which Flink would retry forever), then its {@code _metadata} (the job
     * cannot even be created). Each time {@code run} says so in one line naming the choices and exits 1 without
     * touching the state. With no state at all while the consumer group has read the topics, it refuses to start
     * empty; {@code --fresh} then starts empty on purpose and sets the damaged state aside.
     */
    @Test
    void stateThatCannotBeRestoredStopsTheRunWithTheChoices() throws Exception {
        Path copy = dir.resolve("state-damaged");
        copyTree(dir.resolve("state-ref"), copy);
        Path savepoint = StateDirectory.newestIn(Run.stateRoot(copy, "ref")).orElseThrow().dir();
        Path stateFile;
        try (Stream<Path> files = Files.list(savepoint)) {
            stateFile = files.filter(f -> !f.getFileName().toString().equals("_metadata")).findFirst().orElseThrow();
        }
        for (Path damaged : List.of(stateFile, savepoint.resolve("_metadata"))) {
            Files.write(damaged, new byte[] {1, 2, 3});
            Run broken = Run.start("ref", copy, false);
            assertThat(broken.process.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(broken.process.exitValue()).as(broken.lines().toString()).isEqualTo(1);
            List<String> errors = broken.lines().stream().filter(l -> l.startsWith("touchpoint run: cannot restore"))
                    .toList();
            assertThat(errors).as(broken.lines().toString()).hasSize(1);
            assertThat(errors.get(0)).contains("savepoint of", savepoint.toString(), "roll back", "migrate", "--fresh");
            log("damaged " + damaged.getFileName() + ": " + errors.get(0));
            assertThat(Files.readAllBytes(damaged)).as("the damaged state is left as it was").containsExactly(1, 2, 3);
        }

        // without any state while the consumer group has read the topics before, the run refuses to start empty
        Run elsewhere = Run.start("ref", dir.resolve("state-elsewhere"), false);
        assertThat(elsewhere.process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(elsewhere.process.exitValue()).isEqualTo(1);
        assertThat(elsewhere.lines()).anyMatch(l -> l.startsWith("touchpoint run: consumer group 'restart-ref' has read "
                + "these topics before, but no savepoint or checkpoint of this configuration is in "));

        Run fresh = Run.start("ref", copy, true);
        fresh.awaitLine("--fresh: starting with empty state");
        fresh.stopWithSigterm();
        String setAside = "the earlier state was moved to " + Run.stateRoot(copy, "ref").resolve("set-aside-");
        assertThat(fresh.lines()).anyMatch(l -> l.contains(setAside));
        assertThat(StateDirectory.newestIn(Run.stateRoot(copy, "ref")).orElseThrow().dir()).isNotEqualTo(savepoint);
    }

    /** Runs on paced input, disturbs the run at 40 %, starts it again and compares with the undisturbed run. */
    private static void disturbAndCompare(String name, Disturbance disturbance, String restoreLine) throws Exception {
        kafka.createTopics(3, topics(name));
        CountDownLatch restarted = new CountDownLatch(1);
        AtomicInteger published = new AtomicInteger();
        Thread traffic = new Thread(() -> publishPaced(name, published, restarted), "traffic " + name);
        Run first = Run.start(name, false);
        first.awaitLine("starting empty");
        traffic.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (published.get() < input.size() * 2 / 5 || StateDirectory.newestIn(first.stateRoot()).isEmpty()) {
            assertThat(System.currentTimeMillis()).as("first checkpoint of " + name).isLessThan(deadline);
            Thread.sleep(100);
        }
        disturbance.apply(first);
        int atDisturbance = published.get();
        log(name + ": disturbed after " + atDisturbance + " events");
        Thread.sleep(2_000);

        Run second = Run.start(name, false);
        second.awaitLine(restoreLine);
        log(name + ": restarted, " + restoreLine.substring("restoring the ".length(), restoreLine.length() - 3));
        restarted.countDown();
        traffic.join(120_000);
        second.awaitCaughtUp();
        second.stopWithSigterm();

        assertThat(atDisturbance).as("disturbed in the middle of the input").isLessThan(input.size());
        SeriesSnapshot.assertSame(reference, SeriesSnapshot.of(influx.url(), name, SeriesSnapshot.EVENT_TIME_MEASUREMENTS), name + " differs from the undisturbed run");
        log(name + ": equal to the undisturbed run");
    }

    /** 70 % of the input over about 12 s, the rest once the run has been started again. */
    private static void publishPaced(String name, AtomicInteger published, CountDownLatch restarted) {
        try (Publisher publisher = publisher(name)) {
            int held = input.size() * 7 / 10;
            long started = System.nanoTime();
            for (int i = 0; i < input.size(); i++) {
                if (i == held) {
                    publisher.flush();
                    restarted.await(180, TimeUnit.SECONDS);
                }
                publisher.publish(input.get(i));
                if (i % 50 == 49 && i < held) {
                    publisher.flush();
                    long due = started + TimeUnit.MILLISECONDS.toNanos(12_000L * i / held);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
                published.set(i + 1);
            }
            publisher.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String[] topics(String prefix) {
        return new String[] {prefix + ".interactions", prefix + ".surveys", prefix + ".dead-letter", prefix + ".churn-risk"};
    }

    private static Publisher publisher(String prefix) {
        return new Publisher(kafka.bootstrapServers(), prefix + ".interactions", prefix + ".surveys", new Properties());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("run.lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private interface Disturbance {
        void apply(Run run) throws Exception;
    }

    /** One {@code touchpoint run} process with the configuration of {@code name}, its output in a file. */
    private static final class Run {
        private static int started;

        final String name;
        final Path stateDir;
        final Process process;
        final Path log;

        private Run(String name, Path stateDir, Process process, Path log) {
            this.name = name;
            this.stateDir = stateDir;
            this.process = process;
            this.log = log;
        }

        static Run start(String name, boolean fresh) throws IOException {
            return start(name, dir.resolve("state-" + name), fresh);
        }

        static Run start(String name, Path stateDir, boolean fresh) throws IOException {
            Path config = dir.resolve(name + "-" + stateDir.getFileName() + ".properties");
            if (!Files.exists(config)) {
                Properties p = new Properties();
                p.setProperty("kafka.bootstrap-servers", kafka.bootstrapServers());
                p.setProperty("kafka.group-id", "restart-" + name);
                for (String topic : topics(name)) {
                    p.setProperty("topic." + topic.substring(name.length() + 1), topic);
                }
                p.setProperty("influx.url", influx.url());
                p.setProperty("influx.database", name);
                p.setProperty("influx.batch-size", "500");
                p.setProperty("checkpoint.interval", "1 s");
                p.setProperty("watermark.idleness", "1 h");
                p.setProperty("state.dir", stateDir.toString());
                try (var w = Files.newBufferedWriter(config)) {
                    p.store(w, null);
                }
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx768m");
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-opens")).forEach(command::add);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.touchpoint.cli.Touchpoint",
                    "run", "--config", config.toString()));
            if (fresh) {
                command.add("--fresh");
            }
            Path log = dir.resolve(name + "-" + (++started) + ".log");
            log(name + ": touchpoint run" + (fresh ? " --fresh" : ""));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Run(name, stateDir, process, log);
        }

        /** The folder of the configuration {@code name} in a state directory. */
        static Path stateRoot(Path stateDir, String name) throws IOException {
            try (Stream<Path> folders = Files.list(stateDir)) {
                return folders.filter(p -> p.getFileName().toString().startsWith(name + "-")).findFirst().orElseThrow();
            }
        }

        Path stateRoot() throws IOException {
            return stateRoot(stateDir, name);
        }

        List<String> lines() throws IOException {
            return Files.readAllLines(log);
        }

        void awaitLine(String text) throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            while (lines().stream().noneMatch(l -> l.startsWith("touchpoint run: ") && l.contains(text))) {
                assertThat(process.isAlive()).as(name + " ended early: " + lines()).isTrue();
                assertThat(System.currentTimeMillis()).as(name + " never said '" + text + "'").isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        /** Waits until the group's committed offsets reach the ends of both topics and the points stop changing. */
        void awaitCaughtUp() throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            try (Admin admin = kafka.admin()) {
                while (!caughtUp(admin)) {
                    assertThat(process.isAlive()).as(name + " ended early: " + lines()).isTrue();
                    assertThat(System.currentTimeMillis()).as(name + " caught up").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            log(name + ": caught up");
            Map<String, List<String>> before = Map.of();
            Map<String, List<String>> now = SeriesSnapshot.of(influx.url(), name, SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
            while (!now.equals(before)) {
                Thread.sleep(2_000);
                before = now;
                now = SeriesSnapshot.of(influx.url(), name, SeriesSnapshot.EVENT_TIME_MEASUREMENTS);
            }
        }

        private boolean caughtUp(Admin admin) throws Exception {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("restart-" + name)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : List.of(name + ".interactions", name + ".surveys")) {
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            var ends = admin.listOffsets(latest).all().get();
            for (var e : ends.entrySet()) {
                long end = e.getValue().offset();
                long done = Optional.ofNullable(committed.get(e.getKey())).map(OffsetAndMetadata::offset).orElse(0L);
                if (done < end) {
                    return false;
                }
            }
            return true;
        }

        /** SIGTERM, as systemd or a deploy script stops a service: the run takes a savepoint and exits 0. */
        void stopWithSigterm() throws Exception {
            log(name + ": SIGTERM");
            process.destroy();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(name + " stops").isTrue();
            assertThat(process.exitValue()).as(name + " exit code; output: " + lines()).isZero();
            String savepoints = "touchpoint run: stopped; savepoint at " + stateRoot().resolve("savepoints");
            assertThat(lines()).anyMatch(l -> l.startsWith(savepoints));
            log(name + ": exited 0 after its savepoint");
        }

        /** SIGKILL: the process dies at once, as on a crash or power loss. */
        void kill() throws Exception {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
