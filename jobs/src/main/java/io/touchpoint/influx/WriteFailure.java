package io.touchpoint.influx;

import java.io.InterruptedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed write to InfluxDB means for the sink, read from the HTTP status and InfluxDB's own error text.
 *
 * <p>Only a failure without an answer (connection refused, a timeout) or an answer that says "later" (5xx, 429) is
 * worth retrying. A 400 "partial write" means InfluxDB stored the other points of the batch and will refuse the
 * same points again, so sending the batch again can never succeed: points beyond the retention policy are already
 * dropped and only counted; every other 4xx stops the job.
 */
public final class WriteFailure {

    /** What the sink does with it. */
    public enum Kind {
        /** No answer, 5xx or 429: retry with backoff. */
        TRANSIENT,
        /** The writing thread was interrupted: the task is being cancelled, so give up without retrying. */
        INTERRUPTED,
        /** 400 partial write, points older than the retention policy: dropped by InfluxDB; count them, go on. */
        OUTSIDE_RETENTION,
        /** 400 partial write, a field already stored with another type in the same shard: stop the job. */
        FIELD_TYPE_CONFLICT,
        /** Any other refusal (401, 403, 404, 413, other 4xx): stop the job with InfluxDB's message. */
        REJECTED
    }

    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)");
    private static final Pattern FIELD_CONFLICT = Pattern.compile(
            "field type conflict: input field \"(.*)\" on measurement \"(.*)\" is type (\\w+), already exists as type (\\w+)");

    private final Kind kind;
    private final int status;
    private final String reason;
    private final long dropped;
    private final Matcher conflict;

    private WriteFailure(Kind kind, int status, String reason, long dropped, Matcher conflict) {
        this.kind = kind;
        this.status = status;
        this.reason = reason;
        this.dropped = dropped;
        this.conflict = conflict;
    }

    /** A failure of the InfluxDB client: an answer the sink's interceptor turned into {@link InfluxAnswer}, or I/O. */
    public static WriteFailure of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InfluxAnswer answer) {
                return answer(answer.status(), answer.error());
            }
            if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
                return new WriteFailure(Kind.INTERRUPTED, 0, "interrupted", 0, null);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = InfluxConnections.firstLine(root.getMessage());
        return new WriteFailure(Kind.TRANSIENT, 0,
                root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message), 0, null);
    }

    /** InfluxDB answered a write with a non-2xx {@code status} and {@code error}. */
    public static WriteFailure answer(int status, String error) {
        String reason = InfluxConnections.firstLine(error).strip();
        if (status >= 500 || status == 429 || status == 408) {
            return new WriteFailure(Kind.TRANSIENT, status, "HTTP " + status + " " + reason, 0, null);
        }
        Matcher conflict = FIELD_CONFLICT.matcher(reason);
        if (status == 400 && conflict.find()) {
            return new WriteFailure(Kind.FIELD_TYPE_CONFLICT, status, reason, dropped(reason), conflict);
        }
        // A shard pending deletion is one the retention policy is removing: its points are as gone as older ones.
        if (status == 400 && reason.startsWith("partial write:")
                && (reason.contains("points beyond retention policy") || reason.contains("is pending deletion"))) {
            return new WriteFailure(Kind.OUTSIDE_RETENTION, status, reason, dropped(reason), null);
        }
        return new WriteFailure(Kind.REJECTED, status, reason, 0, null);
    }

    private static long dropped(String reason) {
        Matcher m = DROPPED.matcher(reason);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when InfluxDB did not answer. */
    public int status() {
        return status;
    }

    /** InfluxDB's error text (first line), or the I/O failure when there was no answer. */
    public String reason() {
        return reason;
    }

    /** Points InfluxDB says it dropped ({@code dropped=N} of a partial write). */
    public long dropped() {
        return dropped;
    }

    /**
     * The line that stops the job for a {@link Kind#FIELD_TYPE_CONFLICT} or {@link Kind#REJECTED}: what InfluxDB
     * refused, its own words, and what to do.
     */
    public String stopLine(String url, String database, String user, int points) {
        if (kind == Kind.FIELD_TYPE_CONFLICT) {
            String field = conflict.group(1);
            String measurement = conflict.group(2);
            return "InfluxDB refused field '" + field + "' of measurement '" + measurement + "' in database '"
                    + database + "': the job writes it as " + conflict.group(3) + ", the database already holds it as "
                    + conflict.group(4) + "; write into a new database (--db NAME) or drop the measurement (DROP "
                    + "MEASUREMENT \"" + measurement + "\") and run again";
        }
        String who = user == null ? "" : " TO \"" + user + "\"";
        String hint = switch (status) {
            case 401 -> "; check influx.username and influx.password";
            case 403 -> "; an admin can allow it: GRANT WRITE ON \"" + database + "\"" + who;
            case 404 -> "; create it (CREATE DATABASE \"" + database + "\") or choose another one with --db";
            case 413 -> "; lower influx.batch-size (now " + points + ") or raise max-body-size in influxdb.conf";
            default -> "";
        };
        return "InfluxDB at " + url + " refused " + points + " points for database '" + database + "' with HTTP "
                + status + ": " + reason + hint;
    }
}
