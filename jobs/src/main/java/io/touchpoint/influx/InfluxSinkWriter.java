package io.touchpoint.influx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers encoded lines and writes them in batches: when {@code batchSize} lines are buffered, every
 * {@code flushInterval} (a processing-time timer, run in the task thread), before every checkpoint barrier and at
 * end of input ({@link #flush}). A failed write blocks and is retried with exponential backoff until the retry
 * timeout, then fails the task; blocking is what back-pressures the job, so memory stays at one batch while
 * InfluxDB is away. Nothing is dropped: after the failure Flink restarts from the last checkpoint, whose points
 * were all written before it completed.
 */
final class InfluxSinkWriter implements SinkWriter<MetricPoint> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final InfluxSettings settings;
    private final InfluxDB influx;
    private final ProcessingTimeService timers;
    private final List<String> buffer;
    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter retries;

    InfluxSinkWriter(InfluxSettings settings, InfluxDB influx, ProcessingTimeService timers, MetricGroup metrics) {
        this.settings = settings;
        this.influx = influx;
        this.timers = timers;
        this.buffer = new ArrayList<>(settings.batchSize());
        this.pointsWritten = metrics.counter("influxPointsWritten");
        this.batchesWritten = metrics.counter("influxBatchesWritten");
        this.retries = metrics.counter("influxWriteRetries");
        scheduleFlush();
    }

    @Override
    public void write(MetricPoint point, Context context) throws IOException {
        String line = LineProtocol.encode(point);
        if (line == null) {
            return;
        }
        buffer.add(line);
        if (buffer.size() >= settings.batchSize()) {
            writeBuffer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        writeBuffer();
    }

    private void scheduleFlush() {
        long next = timers.getCurrentProcessingTime() + settings.flushInterval().toMillis();
        timers.registerTimer(next, time -> {
            writeBuffer();
            scheduleFlush();
        });
    }

    private void writeBuffer() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.retryTimeout().toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                influx.write(settings.database(), null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, buffer);
                pointsWritten.inc(buffer.size());
                batchesWritten.inc();
                buffer.clear();
                return;
            } catch (InfluxDBException e) {
                if (!retryable(e)) {
                    // A rejected batch (bad credentials, a field type conflict) fails the same way on every retry.
                    throw new IOException("InfluxDB at " + settings.url() + " rejected a batch of " + buffer.size()
                            + " points: " + InfluxConnections.firstLine(e.getMessage()), e);
                }
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
                    throw new IOException("InfluxDB at " + settings.url() + " did not accept a batch for "
                            + settings.retryTimeout().toSeconds() + " s: " + InfluxConnections.firstLine(e.getMessage()),
                            e);
                }
                retries.inc();
                LOG.warn("writing {} points to {} failed, retrying in {} ms: {}", buffer.size(), settings.url(),
                        backoff, InfluxConnections.firstLine(e.getMessage()));
                sleep(backoff);
                backoff = Math.min(backoff * 2, settings.retryMaxBackoff().toMillis());
            }
        }
    }

    /** Connection failures and server-side overload are worth retrying; a 4xx answer is not. */
    private static boolean retryable(InfluxDBException e) {
        if (e instanceof InfluxDBException.AuthorizationFailedException
                || e instanceof InfluxDBException.FieldTypeConflictException
                || e instanceof InfluxDBException.UnableToParseException
                || e instanceof InfluxDBException.PointsBeyondRetentionPolicyException) {
            return false;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        return !message.contains("database not found") && !message.contains("partial write");
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry", e);
        }
    }

    long pointsWritten() {
        return pointsWritten.getCount();
    }

    long retries() {
        return retries.getCount();
    }

    @Override
    public void close() {
        influx.close();
    }
}
