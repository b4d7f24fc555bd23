package io.touchpoint.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The status line of a live {@code run}, every 30 s: events read per second, points written per second, watermark
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

    public RunStatus(PrintWriter out) {
        this.out = out;
    }

    /** Starts sampling every second on a daemon thread; a line every 30 s. */
    public RunStatus start() {
        last = RunMetrics.sample(System.currentTimeMillis());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-status");
            t.setDaemon(true);
            return t;
        });
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

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
