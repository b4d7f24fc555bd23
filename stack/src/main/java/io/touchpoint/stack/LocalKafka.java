package io.touchpoint.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one node) running in this JVM, listening on
 * 127.0.0.1 only. The log directory is formatted on first start and kept, so the broker restarts with its data.
 */
public final class LocalKafka implements AutoCloseable {

    private final int port;
    private final int saslPort;
    private final KafkaRaftServer server;
    private boolean stopped;

    private LocalKafka(int port, int saslPort, KafkaRaftServer server) {
        this.port = port;
        this.saslPort = saslPort;
        this.server = server;
    }

    /**
     * Starts the broker and waits until it answers; about 3 s.
     *
     * @param dataDir holds {@code server.properties} and the log dir {@code logs}; a log dir formatted by an earlier
     *     start is kept, so topics and records survive a stop and start
     * @param port the client (PLAINTEXT) port, or 0 for a free one; the controller gets a free port of its own
     */
    public static LocalKafka start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, Map.of());
    }

    /**
     * Starts the broker with a second listener, SASL_PLAINTEXT with the PLAIN mechanism, for the given users
     * (name to password), as a secured cluster would have; see {@link #saslBootstrapServers()}. The PLAINTEXT
     * listener stays for administration.
     */
    public static LocalKafka start(Path dataDir, int port, Map<String, String> saslUsers) throws IOException {
        int brokerPort = port == 0 ? Ports.free() : port;
        Ports.requireFree(brokerPort, "Kafka");
        int controllerPort = Ports.free();
        int saslPort = saslUsers.isEmpty() ? -1 : Ports.free();
        Path logs = dataDir.resolve("logs").toAbsolutePath();
        Files.createDirectories(logs);
        Properties props = config(brokerPort, controllerPort, logs);
        if (!saslUsers.isEmpty()) {
            props.put("listeners", props.get("listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            props.put("advertised.listeners", props.get("advertised.listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            props.put("listener.security.protocol.map", props.get("listener.security.protocol.map")
                    + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
                    .append(password.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
            props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        Path config = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            props.store(w, "written by LocalKafka on every start");
        }
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(config);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        LocalKafka kafka = new LocalKafka(brokerPort, saslPort, server);
        try {
            server.startup();
            kafka.awaitReady();
        } catch (RuntimeException e) {
            kafka.stop();
            throw e;
        }
        return kafka;
    }

    /**
     * One node that is both broker and controller. The controller port may change between starts: with a static
     * voter set ({@code controller.quorum.voters}) the endpoint is read from the config, not from the metadata log.
     */
    private static Properties config(int brokerPort, int controllerPort, Path logs) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logs.toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions than the default 50 keep the first start and the first consumer group fast.
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    /** Formats the log dir with a fresh cluster id, as {@code kafka-storage.sh format -t ID -c FILE} would. */
    private static void format(Path config) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = kafka.tools.StorageTool$.MODULE$.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IOException("formatting the Kafka log dir failed: "
                    + output.toString(StandardCharsets.UTF_8).strip().replace('\n', ' '));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka did not start on port " + port + ": " + e.getMessage(), e);
                    }
                    ChildProcesses.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka to start", e);
                }
            }
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT} of the SASL_PLAINTEXT listener (PLAIN mechanism), when started with SASL users. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker was started without SASL users");
        }
        return "127.0.0.1:" + saslPort;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return KafkaTopics.admin(bootstrapServers());
    }

    /** Creates the topics that do not exist yet, each with {@code partitions} partitions. */
    public void createTopics(int partitions, String... topics) {
        KafkaTopics.create(bootstrapServers(), partitions, List.of(topics));
    }

    /** Deletes those of the topics that exist. */
    public void deleteTopics(String... topics) {
        KafkaTopics.delete(bootstrapServers(), List.of(topics));
    }

    /** Shuts the broker down and waits until it is stopped; a second call does nothing. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        server.shutdown();
        server.awaitShutdown();
    }

    @Override
    public void close() {
        stop();
    }
}
