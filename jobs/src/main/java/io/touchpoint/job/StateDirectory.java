package io.touchpoint.job;

import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Where a live run keeps its state between starts: one folder per configuration under {@code state.dir}, holding
 * the savepoints taken when the run is stopped and the checkpoints Flink retains when the job dies. A start picks
 * the newest of them.
 *
 * <p>Two runs belong to the same configuration when they read the same topics of the same Kafka cluster with the
 * same consumer group and write to the same InfluxDB database ({@link #IDENTITY}): the state of one (its Kafka
 * offsets, open windows, running reply clocks) then describes exactly the input and output of the other. Anything
 * else — SLA targets, lateness, parallelism — may change between starts; whether the state still fits is Flink's
 * restore to decide.
 *
 * <p>Layout: {@code <state.dir>/<database>-<hash>/} with {@code configuration.properties} (the identity, for
 * people), {@code savepoints/savepoint-*}, {@code checkpoints/<job-id>/chk-N} and a lock file that keeps a second
 * run of the same configuration out.
 */
public final class StateDirectory implements AutoCloseable {

    /** The settings that make two runs the same configuration. */
    public static final List<ConfigOption<String>> IDENTITY = List.of(
            MonitorOptions.KAFKA_BOOTSTRAP, MonitorOptions.KAFKA_GROUP_ID,
            MonitorOptions.TOPIC_INTERACTIONS, MonitorOptions.TOPIC_SURVEYS,
            MonitorOptions.INFLUX_URL, MonitorOptions.INFLUX_DATABASE);

    /** Savepoints kept besides the one a start restores; older ones are deleted at the next start. */
    static final int SAVEPOINTS_KEPT = 3;

    private static final String METADATA = "_metadata";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * The folder of this configuration under {@code base}, created if missing and locked for this process.
     *
     * @throws IllegalStateException when another process holds the lock (a run of the same configuration)
     */
    public static StateDirectory open(Path base, Configuration config) throws IOException {
        StringBuilder identity = new StringBuilder();
        for (ConfigOption<String> option : IDENTITY) {
            identity.append(option.key()).append(" = ").append(config.get(option)).append('\n');
        }
        String database = config.get(MonitorOptions.INFLUX_DATABASE).replaceAll("[^A-Za-z0-9_-]", "_");
        Path root = base.resolve(database + "-" + hash(identity.toString()))
                .toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("savepoints"));
        Files.createDirectories(root.resolve("checkpoints"));
        Path described = root.resolve("configuration.properties");
        if (!Files.exists(described)) {
            try (Writer w = Files.newBufferedWriter(described, StandardCharsets.UTF_8)) {
                w.write("# The state in this folder belongs to runs with exactly these settings.\n");
                w.write(identity.toString());
            }
        }
        FileChannel channel = FileChannel.open(root.resolve("run.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another run of this configuration is using " + root);
        }
        return new StateDirectory(root, channel, lock);
    }

    public Path root() {
        return root;
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** The newest savepoint or retained checkpoint of this configuration. */
    public Optional<Snapshot> newest() {
        return newestIn(root);
    }

    /**
     * Deletes what no start will restore any more: retained checkpoints other than {@code kept} (each job keeps
     * only its newest, and a newer job's state supersedes it), folders of jobs that died before their first
     * checkpoint, and all but the newest {@value #SAVEPOINTS_KEPT} savepoints besides {@code kept}.
     */
    public void prune(Snapshot kept) throws IOException {
        Path keptJob = kept != null && kept.kind() == Snapshot.Kind.CHECKPOINT ? kept.dir().getParent() : null;
        try (Stream<Path> jobs = Files.list(checkpoints())) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                if (!job.equals(keptJob)) {
                    deleteRecursively(job);
                }
            }
        }
        List<Snapshot> savepoints = new ArrayList<>(snapshots(savepoints()));
        savepoints.sort(Comparator.comparing(Snapshot::taken).reversed());
        int newer = 0;
        for (Snapshot s : savepoints) {
            if (kept != null && s.dir().equals(kept.dir())) {
                continue;
            }
            if (++newer > SAVEPOINTS_KEPT) {
                deleteRecursively(s.dir());
            }
        }
    }

    /**
     * Moves every snapshot of this configuration aside (for {@code --fresh}), so no later start restores them by
     * itself; returns where they went, or empty when there were none.
     */
    public Optional<Path> setAside() throws IOException {
        if (newest().isEmpty()) {
            return Optional.empty();
        }
        Path aside = root.resolve("set-aside-" + STAMP.format(Instant.now()));
        Files.createDirectories(aside);
        Files.move(savepoints(), aside.resolve("savepoints"));
        Files.move(checkpoints(), aside.resolve("checkpoints"));
        Files.createDirectories(savepoints());
        Files.createDirectories(checkpoints());
        return Optional.of(aside);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }

    /**
     * The newest complete snapshot below {@code base}: a {@code savepoint-*} or {@code chk-N} folder whose
     * {@code _metadata} exists (Flink writes that file last, so a snapshot cut off by a crash has none). Folders
     * named {@code set-aside-*} are skipped.
     */
    public static Optional<Snapshot> newestIn(Path base) {
        return snapshots(base).stream().max(Comparator.comparing(Snapshot::taken));
    }

    private static List<Snapshot> snapshots(Path base) {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(base, 4)) {
            List<Snapshot> found = new ArrayList<>();
            for (Path metadata : files.filter(p -> p.getFileName().toString().equals(METADATA)).toList()) {
                Path dir = metadata.getParent();
                if (base.relativize(dir).toString().startsWith("set-aside-")) {
                    continue;
                }
                String name = dir.getFileName().toString();
                Snapshot.Kind kind = name.startsWith("savepoint-") ? Snapshot.Kind.SAVEPOINT
                        : name.startsWith("chk-") ? Snapshot.Kind.CHECKPOINT : null;
                if (kind != null) {
                    found.add(new Snapshot(dir, kind, Files.getLastModifiedTime(metadata).toInstant()));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + base, e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A savepoint or retained checkpoint: its folder (what Flink restores from) and when it was completed. */
    public record Snapshot(Path dir, Kind kind, Instant taken) {

        public enum Kind { SAVEPOINT, CHECKPOINT }

        /** E.g. {@code savepoint of 2026-11-29 13:05:12 UTC (/path/savepoint-ab12cd-0123456789ab)}. */
        public String describe() {
            return (kind == Kind.SAVEPOINT ? "savepoint" : "retained checkpoint") + " of "
                    + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC).format(taken)
                    + " (" + dir + ")";
        }
    }

    /**
     * Prints the folder of the newest snapshot below the given folder, or nothing: the JobManager's start script
     * in the Docker image restores from it.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: StateDirectory DIR   (prints the newest savepoint or retained checkpoint in DIR)");
            System.exit(2);
        }
        newestIn(Path.of(args[0])).ifPresent(s -> System.out.println(s.dir()));
    }
}
