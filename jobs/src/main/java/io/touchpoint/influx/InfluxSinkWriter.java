package io.touchpoint.influx;

import io.touchpoint.window.Minutes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;

/**
 * Buffers encoded lines, one batch in one text, and writes them in batches: when {@code batchSize} lines are
 * buffered, every {@code flushInterval} (a processing-time timer, run in the task thread), before every checkpoint
 * barrier and at end of input ({@link #flush}). What happens to a failed write depends on InfluxDB's answer
 * ({@link WriteFailure}):
 *
 * <ul>
 *   <li>no answer, 5xx, 429: the write blocks and is retried with exponential backoff until the retry timeout, then
 *       fails the task; blocking is what back-pressures the job, so memory stays at one batch while InfluxDB is
 *       away. Nothing is dropped: after the failure Flink restarts from the last checkpoint, whose points were all
 *       written before it completed.
 *   <li>points beyond the retention policy: InfluxDB stored the rest of the batch and dropped those; they are
 *       counted in {@code pipeline,source=influxdb,writer=N points_outside_retention} and the job goes on.
 *   <li>any other refusal (a field type conflict, 401, 403, 404, 413, ...): {@link InfluxRejectedException}, which
 *       fails the job without restarts, with one line naming the cause.
 * </ul>
 *
 * <p>Lines are encoded straight into the batch's text (no string per line, no joining): encoding is most of the
 * writer's own work (docs/benchmarks.md, the sink against the raw-writer peer).
 *
 * <p>With {@code influx.overlap-writes} (the default) a full batch is sent by the writer's own thread while the task
 * goes on filling the next: at most one request in flight, so batches reach InfluxDB in the order they were filled
 * (a point rewritten later is never overtaken by its earlier version) and memory stays at two batches. The next
 * batch, a flush, a checkpoint barrier and the end of input first wait for it, so a checkpoint still completes only
 * after all its points are stored, and a failure surfaces there, with the same exceptions as a write in the task
 * thread. Without it every write blocks the task until InfluxDB answered.
 *
 * <p>State: the buffer (one batch's text, about 0.7 MB at the default 5,000 points; its capacity is kept for the
 * next batch), the batch in flight, and the retention drops of the current processing-time minute (written as one pipeline
 * point per minute, rewritten with the minute's running total after each drop).
 */
final class InfluxSinkWriter implements SinkWriter<MetricPoint> {

    /** The {@code source} tag of the sink's own {@code pipeline} points. */
    static final String PIPELINE_SOURCE = "influxdb";
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final InfluxSettings settings;
    private final Consumer<String> written;
    private final InfluxDB influx;
    private final ProcessingTimeService timers;
    private final int subtask;
    private final String retentionPolicy;
    private final StringBuilder buffer;
    private int buffered;
    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter retries;
    private final Counter pointsOutsideRetention;
    private long droppedMinuteEnd = Long.MIN_VALUE;
    private long droppedInMinute;
    /** Sends the batches when writes overlap; null when every write is made in the task thread. */
    private final ExecutorService sender;
    private Future<Long> inFlight;
    private String inFlightBatch;

    InfluxSinkWriter(InfluxSettings settings, InfluxDB influx, ProcessingTimeService timers, MetricGroup metrics,
            int subtask) {
        this(settings, influx, timers, metrics, subtask, batch -> {});
    }

    /** {@code written} receives the text of every batch InfluxDB accepted (the benchmark's raw-writer peer). */
    InfluxSinkWriter(InfluxSettings settings, InfluxDB influx, ProcessingTimeService timers, MetricGroup metrics,
            int subtask, Consumer<String> written) {
        this.settings = settings;
        this.written = written;
        this.influx = influx;
        this.timers = timers;
        this.subtask = subtask;
        this.retentionPolicy = InfluxConnections.defaultRetention(influx, settings.database())
                .map(RetentionPolicy::describe).orElse("(the database's default)");
        this.buffer = new StringBuilder();
        this.pointsWritten = metrics.counter("influxPointsWritten");
        this.batchesWritten = metrics.counter("influxBatchesWritten");
        this.retries = metrics.counter("influxWriteRetries");
        this.pointsOutsideRetention = metrics.counter("influxPointsOutsideRetention");
        this.sender = settings.overlapWrites() ? Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "influxdb writer " + subtask);
            thread.setDaemon(true);
            return thread;
        }) : null;
        scheduleFlush();
    }

    @Override
    public void write(MetricPoint point, Context context) throws IOException {
        int before = buffer.length();
        if (buffered > 0) {
            buffer.append('\n');
        }
        if (!LineProtocol.appendTo(point, buffer)) {
            buffer.setLength(before);
            return;
        }
        if (++buffered >= settings.batchSize()) {
            writeBuffer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        writeBuffer();
        awaitInFlight();
    }

    private void scheduleFlush() {
        long next = timers.getCurrentProcessingTime() + settings.flushInterval().toMillis();
        timers.registerTimer(next, time -> {
            writeBuffer();
            scheduleFlush();
        });
    }

    private void writeBuffer() throws IOException {
        if (buffered == 0) {
            return;
        }
        String batch = buffer.toString();
        int count = buffered;
        buffer.setLength(0);
        buffered = 0;
        awaitInFlight();
        if (sender == null) {
            sent(batch, send(batch, count));
            return;
        }
        inFlightBatch = batch;
        inFlight = sender.submit(() -> send(batch, count));
    }

    /** Waits for the batch in flight, if any, and throws what its write threw. */
    private void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        Future<Long> pending = inFlight;
        String batch = inFlightBatch;
        inFlight = null;
        inFlightBatch = null;
        long dropped;
        try {
            dropped = pending.get();
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cancelled while writing to InfluxDB at " + settings.url());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
        sent(batch, dropped);
    }

    private void sent(String batch, long dropped) throws IOException {
        written.accept(batch);
        if (dropped > 0) {
            countOutsideRetention(dropped);
        }
    }

    private void countOutsideRetention(long dropped) throws IOException {
        pointsOutsideRetention.inc(dropped);
        WriteNotices.outsideRetention(settings, retentionPolicy, dropped, System.nanoTime());
        long minuteEnd = Minutes.start(timers.getCurrentProcessingTime()) + Minutes.MINUTE;
        if (minuteEnd != droppedMinuteEnd) {
            droppedMinuteEnd = minuteEnd;
            droppedInMinute = 0;
        }
        droppedInMinute += dropped;
        // The minute's running total, so that a later report of the same minute overwrites this one correctly.
        MetricPoint report = MetricPoint.builder("pipeline", minuteEnd)
                .tag("source", PIPELINE_SOURCE)
                .tag("writer", Integer.toString(subtask))
                .count("points_outside_retention", droppedInMinute)
                .build();
        send(LineProtocol.encode(report), 1);
    }

    /**
     * Writes the lines ({@code count} of them, separated by line breaks), retrying what may succeed later.
     *
     * @return how many of them InfluxDB dropped as older than the retention policy
     * @throws InfluxRejectedException when InfluxDB refuses them for good
     * @throws IOException when InfluxDB stays unreachable for the retry timeout, or the task is being cancelled
     */
    private long send(String lines, int count) throws IOException {
        long started = System.nanoTime();
        long deadline = started + settings.retryTimeout().toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean retrying = false;
        boolean done = false;
        try {
            while (true) {
                WriteFailure failure;
                try {
                    influx.write(settings.database(), null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS,
                            lines);
                    written(count);
                    done = true;
                    return 0;
                } catch (InfluxDBException e) {
                    failure = WriteFailure.of(e);
                }
                switch (failure.kind()) {
                    case OUTSIDE_RETENTION -> {
                        written(count - failure.dropped());
                        done = true;
                        return failure.dropped();
                    }
                    case FIELD_TYPE_CONFLICT, REJECTED -> throw new InfluxRejectedException(failure.stopLine(
                            settings.url(), settings.database(), settings.username(), count));
                    case INTERRUPTED -> {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("cancelled while writing to InfluxDB at " + settings.url());
                    }
                    case TRANSIENT -> {
                        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
                            throw new IOException("InfluxDB at " + settings.url() + " did not accept a batch for "
                                    + settings.retryTimeout().toSeconds() + " s: " + failure.reason());
                        }
                        if (!retrying) {
                            retrying = true;
                            WriteNotices.unreachable(settings, failure);
                        }
                        retries.inc();
                        sleep(backoff);
                        backoff = Math.min(backoff * 2, settings.retryMaxBackoff().toMillis());
                    }
                }
            }
        } finally {
            if (retrying) {
                WriteNotices.reachable(settings, done, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    private void written(long points) {
        pointsWritten.inc(points);
        batchesWritten.inc();
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cancelled while waiting to retry a write to InfluxDB");
        }
    }

    long pointsWritten() {
        return pointsWritten.getCount();
    }

    long retries() {
        return retries.getCount();
    }

    long pointsOutsideRetention() {
        return pointsOutsideRetention.getCount();
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.shutdownNow();
        }
        influx.close();
    }
}
