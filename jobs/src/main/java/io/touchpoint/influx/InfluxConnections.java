package io.touchpoint.influx;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** Opens checked connections to InfluxDB: the one place that knows about credentials and start-up checks. */
public final class InfluxConnections {

    private InfluxConnections() {}

    /**
     * Connects, checks the credentials with a cheap query, creates the database when it is missing and checks with
     * an empty write that the user may write into it.
     *
     * @throws InfluxRejectedException with a one-line reason when InfluxDB refuses the credentials, the database is
     *     missing and the user may not create it, or the user may not write into it
     * @throws IOException with a one-line reason when the server is unreachable
     */
    public static InfluxDB open(InfluxSettings settings) throws IOException {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .socketFactory(new NoDelaySockets())
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS)
                .addInterceptor(InfluxConnections::answersToWrites);
        InfluxDB influx = settings.username() == null
                ? InfluxDBFactory.connect(settings.url(), http)
                : InfluxDBFactory.connect(settings.url(), settings.username(),
                        settings.password() == null ? "" : settings.password(), http);
        if (settings.gzip()) {
            influx.enableGzip();
        }
        try {
            check(influx.query(new Query("SHOW DATABASES")));
        } catch (InfluxDBException.AuthorizationFailedException e) {
            influx.close();
            throw new InfluxRejectedException("InfluxDB at " + settings.url() + " rejected the credentials"
                    + (settings.username() == null ? " (no user given: set TOUCHPOINT_INFLUX_USER)"
                            : " for user '" + settings.username() + "'"));
        } catch (InfluxDBException e) {
            influx.close();
            throw new IOException("cannot reach InfluxDB at " + settings.url() + ": " + firstLine(e.getMessage()));
        }
        String notCreated = null;
        try {
            check(influx.query(new Query("CREATE DATABASE \"" + settings.database() + "\"")));
        } catch (InfluxDBException e) {
            // A write-only user may not create databases; the empty write below tells whether it needs to.
            notCreated = firstLine(e.getMessage()).replaceFirst("^error authorizing query: ", "");
        }
        try {
            requireWritable(influx, settings, notCreated);
        } catch (IOException e) {
            influx.close();
            throw e;
        }
        return influx;
    }

    /**
     * An empty write: InfluxDB answers 404 when the database does not exist and 403 when the user may not write
     * into it, and stores nothing.
     */
    private static void requireWritable(InfluxDB influx, InfluxSettings settings, String notCreated)
            throws IOException {
        try {
            influx.write(settings.database(), null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, List.of());
        } catch (InfluxDBException e) {
            WriteFailure failure = WriteFailure.of(e);
            String db = settings.database();
            String user = settings.username();
            switch (failure.status()) {
                case 404 -> throw new InfluxRejectedException("database '" + db + "' does not exist on InfluxDB at "
                        + settings.url() + (notCreated == null ? "" : " and user '" + user + "' may not create it ("
                                + notCreated + ")")
                        + "; an admin can create it: CREATE DATABASE \"" + db + "\""
                        + (user == null ? "" : "; GRANT WRITE ON \"" + db + "\" TO \"" + user + "\""));
                case 401, 403 -> throw new InfluxRejectedException("user '" + user + "' may not write to database '"
                        + db + "' on InfluxDB at " + settings.url() + " (" + failure.reason()
                        + "); an admin can allow it: GRANT WRITE ON \"" + db + "\" TO \"" + user + "\"");
                case 0 -> throw new IOException("cannot reach InfluxDB at " + settings.url() + ": " + failure.reason());
                default -> throw new InfluxRejectedException("InfluxDB at " + settings.url()
                        + " refused an empty write to database '" + db + "': " + failure.reason());
            }
        }
    }

    /** The database's default retention policy, or empty when it does not exist or the user may not read it. */
    public static Optional<RetentionPolicy> defaultRetention(InfluxDB influx, String database) {
        QueryResult result;
        try {
            result = influx.query(new Query("SHOW RETENTION POLICIES ON \"" + database + "\""));
            check(result);
        } catch (InfluxDBException e) {
            return Optional.empty();
        }
        for (QueryResult.Result r : result.getResults()) {
            for (QueryResult.Series series : r.getSeries() == null ? List.<QueryResult.Series>of() : r.getSeries()) {
                List<String> columns = series.getColumns();
                for (List<Object> row : series.getValues()) {
                    if (Boolean.TRUE.equals(row.get(columns.indexOf("default")))) {
                        return Optional.of(new RetentionPolicy((String) row.get(columns.indexOf("name")),
                                RetentionPolicy.parseDuration((String) row.get(columns.indexOf("duration")))));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Turns a non-2xx answer to a write into {@link InfluxAnswer}, keeping the status that the client drops. The
     * text is InfluxDB's {@code X-Influxdb-Error} header, else the body as the client would read it.
     */
    private static Response answersToWrites(Interceptor.Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.isSuccessful() || !chain.request().url().encodedPath().endsWith("/write")) {
            return response;
        }
        String error = response.header("X-Influxdb-Error");
        try (ResponseBody body = response.body()) {
            if (error == null) {
                String text = body == null ? "" : body.string();
                error = text.isBlank() ? response.message() : InfluxDBException.buildExceptionForErrorState(text)
                        .getMessage();
            }
        }
        throw new InfluxAnswer(response.code(), firstLine(error));
    }

    private static void check(QueryResult result) {
        if (result.hasError()) {
            throw new InfluxDBException(result.getError());
        }
        for (QueryResult.Result r : result.getResults()) {
            if (r.hasError()) {
                if (r.getError().contains("authoriz") || r.getError().contains("authenticat")) {
                    throw new InfluxDBException.AuthorizationFailedException(r.getError());
                }
                throw new InfluxDBException(r.getError());
            }
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
