package io.touchpoint.influx;

import java.io.IOException;
import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * InfluxDB refused points in a way that no retry or restart can change (a field type conflict, credentials, a
 * missing database, a batch too large). Marked non-recoverable so that Flink fails the job at once instead of
 * restarting it from the last checkpoint into the same refusal forever. The message is the one line a user reads;
 * there is deliberately no cause, so that the innermost message of the job's failure is this line.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class InfluxRejectedException extends IOException {

    private static final long serialVersionUID = 1L;

    public InfluxRejectedException(String line) {
        super(line);
    }
}
