package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackCommandITCase {

    @TempDir
    Path dir;

    private final int kafkaPort = Ports.free();
    private final int influxPort = Ports.free();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs the command with this test's directory (and, with {@code withPorts}, its ports) appended. */
    private int stack(boolean withPorts, String... args) {
        out.reset();
        err.reset();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", dir.toString()));
        if (withPorts) {
            all.addAll(List.of("--kafka-port", Integer.toString(kafkaPort), "--influx-port", Integer.toString(influxPort)));
        }
        return StackCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int stack(String... args) {
        return stack(true, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void downEvenIfATestFailed() {
        stack("down");
    }

    @Test
    void upStatusDownKeepsDataAndPurgeDeletesOnlyStackFiles() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThat(stack("status")).isEqualTo(3);
        assertThat(out()).isEqualTo(String.format("kafka     down  127.0.0.1:%d%ninfluxdb  down  http://127.0.0.1:%d%n",
                kafkaPort, influxPort));

        assertThat(stack("up")).isZero();
        assertThat(err()).isEmpty();
        long kafkaPid = pid("kafka.pid");
        long influxPid = pid("influxd.pid");
        assertThat(out()).isEqualTo(String.format("stack is up (data in %s)%n"
                + "kafka     up    127.0.0.1:%d  pid %d%n"
                + "influxdb  up    http://127.0.0.1:%d  pid %d%n", dir, kafkaPort, kafkaPid, influxPort, influxPid));
        assertThat(commandLine(kafkaPid)).contains("-Dtouchpoint.kafka.dir=" + dir.resolve("kafka") + " ",
                "io.touchpoint.stack.KafkaServerMain --dir " + dir.resolve("kafka") + " --port " + kafkaPort);
        assertThat(commandLine(influxPid)).contains("influxd run -config " + dir.resolve("influxdb/influxdb.conf"));
        assertThat(LocalInflux.ping("http://127.0.0.1:" + influxPort)).isTrue();
        assertThat(Reachability.answeringOutsideLoopback(kafkaPort)).isEmpty();
        assertThat(Reachability.answeringOutsideLoopback(influxPort)).isEmpty();
        assertThat(partitions()).isEqualTo(Map.of(
                "cx.interactions", 3, "cx.surveys", 3, "cx.churn-risk", 1, "cx.dead-letter", 1));
        KafkaTopics.create("127.0.0.1:" + kafkaPort, 1, List.of("kept-over-down"));

        // Without port options, status reads the ports the stack was started with.
        assertThat(stack(false, "status")).isZero();
        assertThat(out()).contains("127.0.0.1:" + kafkaPort + "  pid " + kafkaPid,
                "http://127.0.0.1:" + influxPort + "  pid " + influxPid);
        assertThat(stack("up")).isZero();
        assertThat(out()).startsWith("stack is already up");
        assertThat(pid("kafka.pid")).isEqualTo(kafkaPid);

        assertThat(stack("down")).isZero();
        assertThat(out()).isEqualTo(String.format("kafka stopped (pid %d)%ninfluxd stopped (pid %d)%n",
                kafkaPid, influxPid));
        assertThat(alive(kafkaPid)).isFalse();
        assertThat(alive(influxPid)).isFalse();
        assertThat(Ports.inUse(kafkaPort)).isFalse();
        assertThat(Ports.inUse(influxPort)).isFalse();
        assertThat(dir.resolve("kafka.pid")).doesNotExist();
        assertThat(dir.resolve("influxd.pid")).doesNotExist();
        assertThat(stack("status")).isEqualTo(3);

        assertThat(stack("up")).isZero();
        assertThat(partitions()).containsEntry("kept-over-down", 1);
        long secondKafkaPid = pid("kafka.pid");

        assertThat(stack("down", "--purge")).isZero();
        assertThat(out()).endsWith(String.format("deleted the stack data in %s%n", dir));
        assertThat(alive(secondKafkaPid)).isFalse();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    @Test
    void aPortInUseIsAOneLineErrorAndStartsNothing() throws Exception {
        try (ServerSocket blocker = new ServerSocket(influxPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stack("up")).isEqualTo(1);
            assertThat(err()).isEqualTo(String.format(
                    "touchpoint stack up: port %d (InfluxDB) is already in use%n", influxPort));
        }
        assertThat(dir.resolve("kafka.pid")).doesNotExist();
        assertThat(dir.resolve("influxd.pid")).doesNotExist();
        assertThat(Ports.inUse(kafkaPort)).isFalse();
    }

    @Test
    void aPidFileNamingAnotherProcessIsNeverSignalled() throws Exception {
        long self = ProcessHandle.current().pid();
        Files.writeString(dir.resolve("kafka.pid"), self + "\n");
        Files.writeString(dir.resolve("influxd.pid"), self + "\n");
        assertThat(stack("status")).isEqualTo(3);
        assertThat(stack("down")).isZero();
        assertThat(out()).isEqualTo(String.format(
                "kafka was not running; pid %d in %s is another process and was left alone%n"
                        + "influxd was not running; pid %d in %s is another process and was left alone%n",
                self, dir.resolve("kafka.pid"), self, dir.resolve("influxd.pid")));
        assertThat(dir.resolve("kafka.pid")).doesNotExist();
    }

    @Test
    void badArgumentsAreAOneLineReasonAndExitTwo() {
        assertThat(stack("sideways")).isEqualTo(2);
        assertThat(err()).isEqualTo(String.format("touchpoint stack: unknown argument 'sideways' (see --help)%n"));
        assertThat(stack("up", "--purge")).isEqualTo(2);
        assertThat(err()).isEqualTo(String.format("touchpoint stack: --purge goes with down%n"));
        assertThat(stack("up", "down")).isEqualTo(2);
        assertThat(stack(false, "status", "--kafka-port", "70000")).isEqualTo(2);
        assertThat(err()).isEqualTo(String.format(
                "touchpoint stack: a port is a number from 1 to 65535, got '70000'%n"));
        assertThat(stack(false, "up", "--kafka-port", "8086")).isEqualTo(2);
        assertThat(stack(false, "up", "--influx-port")).isEqualTo(2);
        assertThat(stack(false)).isEqualTo(2);
        assertThat(err()).isEqualTo(String.format("touchpoint stack: say up, down or status (see --help)%n"));
        assertThat(stack("--help")).isZero();
        // the help picocli generates from the declarations (issue 11)
        assertThat(out()).startsWith("up|down|status: a local Kafka (KRaft) and influxd on loopback")
                .contains("\nUsage: touchpoint stack [-hV] [--purge]");
    }

    private long pid(String file) throws Exception {
        return Long.parseLong(Files.readString(dir.resolve(file)).strip());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The whole command line (the JDK's ProcessHandle.Info stops after the first 4 KiB). */
    private static String commandLine(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    private Map<String, Integer> partitions() throws Exception {
        try (Admin admin = KafkaTopics.admin("127.0.0.1:" + kafkaPort)) {
            var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
        }
    }
}
