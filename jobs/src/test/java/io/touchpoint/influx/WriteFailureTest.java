package io.touchpoint.influx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import org.influxdb.InfluxDBIOException;
import org.junit.jupiter.api.Test;

/** InfluxDB 1.6's own answers (copied from influxd) and what the sink makes of them. */
class WriteFailureTest {

    private static final String URL = "http://127.0.0.1:8086";

    private static WriteFailure answered(int status, String error) {
        return WriteFailure.of(new InfluxDBIOException(new InfluxAnswer(status, error)));
    }

    @Test
    void pointsBeyondTheRetentionPolicyAreCountedNotRetried() {
        WriteFailure f = answered(400, "partial write: points beyond retention policy dropped=4321");
        assertThat(f.kind()).isEqualTo(WriteFailure.Kind.OUTSIDE_RETENTION);
        assertThat(f.dropped()).isEqualTo(4321);
        assertThat(answered(400, "partial write: shard 12 is pending deletion dropped=7").dropped()).isEqualTo(7);
    }

    @Test
    void aFieldTypeConflictNamesMeasurementFieldBothTypesAndTheFix() {
        WriteFailure f = answered(400, "partial write: field type conflict: input field \"events\" on measurement "
                + "\"interactions\" is type integer, already exists as type string dropped=12");
        assertThat(f.kind()).isEqualTo(WriteFailure.Kind.FIELD_TYPE_CONFLICT);
        assertThat(f.stopLine(URL, "prod", null, 5000)).isEqualTo("InfluxDB refused field 'events' of measurement "
                + "'interactions' in database 'prod': the job writes it as integer, the database already holds it as "
                + "string; write into a new database (--db NAME) or drop the measurement (DROP MEASUREMENT "
                + "\"interactions\") and run again");
    }

    @Test
    void otherRefusalsStopWithInfluxDbsWordsAndAHint() {
        assertThat(answered(404, "database not found: \"prod\"").stopLine(URL, "prod", "writer", 5000))
                .isEqualTo("InfluxDB at " + URL + " refused 5000 points for database 'prod' with HTTP 404: database "
                        + "not found: \"prod\"; create it (CREATE DATABASE \"prod\") or choose another one with --db");
        assertThat(answered(403, "\"writer\" user is not authorized to write to database \"prod\"")
                .stopLine(URL, "prod", "writer", 10))
                .isEqualTo("InfluxDB at " + URL + " refused 10 points for database 'prod' with HTTP 403: \"writer\" "
                        + "user is not authorized to write to database \"prod\"; an admin can allow it: GRANT WRITE ON "
                        + "\"prod\" TO \"writer\"");
        assertThat(answered(413, "Request Entity Too Large").stopLine(URL, "prod", null, 5000)).endsWith(
                "with HTTP 413: Request Entity Too Large; lower influx.batch-size (now 5000) or raise max-body-size "
                        + "in influxdb.conf");
        WriteFailure parse = answered(400, "unable to parse 'x y': invalid field format\nmore");
        assertThat(parse.kind()).isEqualTo(WriteFailure.Kind.REJECTED);
        assertThat(parse.reason()).isEqualTo("unable to parse 'x y': invalid field format");
        for (int status : new int[] {401, 403, 404, 413, 400, 422}) {
            assertThat(answered(status, "x").kind()).as("HTTP %d", status).isEqualTo(WriteFailure.Kind.REJECTED);
        }
    }

    @Test
    void noAnswerServerErrorsAndTooManyRequestsAreRetried() {
        for (int status : new int[] {500, 502, 503, 504, 429}) {
            assertThat(answered(status, "timeout").kind()).as("HTTP %d", status)
                    .isEqualTo(WriteFailure.Kind.TRANSIENT);
        }
        WriteFailure refused = WriteFailure.of(new InfluxDBIOException(new ConnectException("Connection refused")));
        assertThat(refused.kind()).isEqualTo(WriteFailure.Kind.TRANSIENT);
        assertThat(refused.status()).isZero();
        assertThat(refused.reason()).isEqualTo("ConnectException: Connection refused");
    }

    @Test
    void anInterruptedWriteIsACancellationNotAnOutage() {
        assertThat(WriteFailure.of(new InfluxDBIOException(new InterruptedIOException("interrupted"))).kind())
                .isEqualTo(WriteFailure.Kind.INTERRUPTED);
        assertThat(WriteFailure.of(new InfluxDBIOException(new IOException("Canceled", new InterruptedIOException())))
                .kind()).isEqualTo(WriteFailure.Kind.INTERRUPTED);
    }

    @Test
    void retentionPoliciesReadFromInfluxDbDurations() {
        assertThat(RetentionPolicy.parseDuration("48h0m0s")).isEqualTo(Duration.ofDays(2));
        assertThat(RetentionPolicy.parseDuration("0s")).isEqualTo(Duration.ZERO);
        assertThat(RetentionPolicy.parseDuration("1h30m15s")).isEqualTo(Duration.ofSeconds(5415));
        assertThat(new RetentionPolicy("two_days", Duration.ofDays(2)).describe()).isEqualTo("'two_days' (2 d)");
        assertThat(new RetentionPolicy("short", Duration.ofHours(36)).describe()).isEqualTo("'short' (36 h)");
        assertThat(new RetentionPolicy("autogen", Duration.ZERO).describe()).isEqualTo("'autogen' (infinite)");
    }
}
