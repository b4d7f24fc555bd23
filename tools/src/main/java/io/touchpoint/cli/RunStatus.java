package io.touchpoint.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The status of a {@code run}: for a bounded run a progress line on stderr, for a live one a status line every 30 s: events read per second, points written per second, watermark
 * lag, dead letters in the interval and the age of the last completed checkpoint. State: the sample of the last
 * line, and when the checkpoint count last grew (sampled every second, so the age is right to the second).
 */
public final class RunStatus implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(30);

    /** Counters and gauges at one instant; watermark lag -1 when no source reports one yet. */
    public record Sample(long atMillis, long recordsRead, long pointsWritten, long deadLetters, long watermarkLagMs,
            long completedCheckpoints) {}

    private final PrintWriter out;
    private ScheduledExecutorService timer;
    private Sample last;
    private long checkpoints;
    private long checkpointAt = -1;
    private ProgressLine progress;

    public RunStatus(PrintWriter out) {
        this.out = out;
    }

    /** Starts sampling every second on a daemon thread; a line every 30 s. */
    public RunStatus start() {
        last = RunMetrics.sample(System.currentTimeMillis());
        timer = daemonTimer("run-status");
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    private synchronized void tick() {
        Sample now = RunMetrics.sample(System.currentTimeMillis());
        if (now.completedCheckpoints() > checkpoints) {
            checkpoints = now.completedCheckpoints();
            checkpointAt = now.atMillis();
        }
        if (now.atMillis() - last.atMillis() >= INTERVAL.toMillis()) {
            out.println(line(last, now, checkpointAt));
            out.flush();
            last = now;
        }
    }

    /** The line for the interval between two samples. */
    static String line(Sample from, Sample to, long lastCheckpointAt) {
        double seconds = Math.max(1, to.atMillis() - from.atMillis()) / 1000.0;
        return String.format(Locale.ROOT, "touchpoint run: %,.0f events/s in, %,.0f points/s out, watermark lag %s, "
                        + "%,d dead letters in the last %.0f s, last checkpoint %s",
                (to.recordsRead() - from.recordsRead()) / seconds, (to.pointsWritten() - from.pointsWritten()) / seconds,
                to.watermarkLagMs() < 0 ? "unknown" : Progress.human(Duration.ofMillis(to.watermarkLagMs())),
                to.deadLetters() - from.deadLetters(), seconds,
                lastCheckpointAt < 0 ? "none yet"
                        : Progress.human(Duration.ofMillis(to.atMillis() - lastCheckpointAt)) + " ago");
    }

    /**
     * For a bounded run: a progress line (records read of the {@code total} between the earliest and the end
     * offsets found at start, the event time reached, rate, ETA), updated every second.
     */
    public RunStatus startProgress(ProgressLine line, long total) {
        progress = line;
        long started = System.currentTimeMillis();
        timer = daemonTimer("run-progress");
        String totalText = String.format(Locale.ROOT, "%,d records", total);
        timer.scheduleAtFixedRate(() -> line.update(() -> {
            Sample s = RunMetrics.sample(System.currentTimeMillis());
            Instant eventTime = s.watermarkLagMs() < 0 ? null : Instant.ofEpochMilli(s.atMillis() - s.watermarkLagMs());
            return new Progress(s.recordsRead(), total, s.recordsRead(), eventTime,
                    Duration.ofMillis(s.atMillis() - started)).describe("touchpoint run", totalText);
        }), 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Records between the earliest and the latest offsets of the topics now: what a bounded run reads. */
    public static long recordsToRead(String bootstrap, Properties clientSettings, List<String> topics)
            throws Exception {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    TopicPartition tp = new TopicPartition(d.name(), p.partition());
                    earliest.put(tp, OffsetSpec.earliest());
                    latest.put(tp, OffsetSpec.latest());
                }
            }
            long total = 0;
            for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                total += e.getValue().offset();
            }
            for (var e : admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                total -= e.getValue().offset();
            }
            return total;
        }
    }

    /** A timer thread that never keeps the JVM alive after the run. */
    static ScheduledExecutorService daemonTimer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (progress != null) {
            progress.finish();
        }
    }
}
