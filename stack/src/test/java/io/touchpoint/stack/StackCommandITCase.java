package io.touchpoint.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackCommandITCase {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int stack(String... args) {
        out.reset();
        err.reset();
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--dir";
        all[args.length + 1] = dir.toString();
        all[args.length + 2] = "--kafka-port";
        all[args.length + 3] = Integer.toString(kafkaPort);
        all[args.length + 4] = "--influx-port";
        all[args.length + 5] = Integer.toString(influxPort);
        return StackCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private final int kafkaPort = Ports.free();
    private final int influxPort = Ports.free();

    @Test
    void upStatusDownPurge() throws Exception {
        assertThat(stack("status")).isEqualTo(3);
        assertThat(stack("up")).isZero();
        long kafkaPid = Long.parseLong(Files.readString(dir.resolve("kafka.pid")).strip());
        long influxPid = Long.parseLong(Files.readString(dir.resolve("influxd.pid")).strip());
        try {
            assertThat(Ports.inUse(kafkaPort)).isTrue();
            assertThat(LocalInflux.ping("http://127.0.0.1:" + influxPort)).isTrue();
            try (var admin = KafkaTopics.admin("127.0.0.1:" + kafkaPort)) {
                Set<String> topics = admin.listTopics().names().get();
                assertThat(topics).containsAll(StackCommand.TOPICS);
            }
            assertThat(stack("status")).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("(pid " + kafkaPid + ")", "(pid " + influxPid + ")");
            assertThat(stack("up")).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("stack is already up");
        } finally {
            assertThat(stack("down", "--purge")).isZero();
        }
        assertThat(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ProcessHandle.of(influxPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Ports.inUse(kafkaPort)).isFalse();
        assertThat(Files.exists(dir)).isFalse();
        assertThat(stack("status")).isEqualTo(3);
    }

    @Test
    void aPortInUseIsAOneLineError() throws Exception {
        try (var blocker = new java.net.ServerSocket(influxPort, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(stack("up")).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip())
                    .isEqualTo("touchpoint stack up: port " + influxPort + " (InfluxDB) is already in use");
        }
    }

    @Test
    void badArgumentsExitTwo() {
        assertThat(stack("sideways")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument 'sideways'");
        assertThat(stack("up", "--purge")).isEqualTo(2);
    }
}
