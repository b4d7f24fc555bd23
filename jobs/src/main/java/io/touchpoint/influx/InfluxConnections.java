package io.touchpoint.influx;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/** Opens checked connections to InfluxDB: the one place that knows about credentials and start-up checks. */
public final class InfluxConnections {


    private InfluxConnections() {}

    /**
     * Connects, checks the credentials with a cheap query and creates the database when it is missing.
     *
     * @throws IOException with a one-line reason when the server is unreachable or rejects the credentials
     */
    public static InfluxDB open(InfluxSettings settings) throws IOException {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(30, TimeUnit.SECONDS)
                .writeTimeout(30, TimeUnit.SECONDS);
        InfluxDB influx = settings.username() == null
                ? InfluxDBFactory.connect(settings.url(), http)
                : InfluxDBFactory.connect(settings.url(), settings.username(),
                        settings.password() == null ? "" : settings.password(), http);
        try {
            check(influx.query(new Query("SHOW DATABASES")));
        } catch (InfluxDBException.AuthorizationFailedException e) {
            influx.close();
            throw new IOException("InfluxDB at " + settings.url() + " rejected the credentials"
                    + (settings.username() == null ? " (no user given: set TOUCHPOINT_INFLUX_USER)"
                            : " for user '" + settings.username() + "'"));
        } catch (InfluxDBException e) {
            influx.close();
            throw new IOException("cannot reach InfluxDB at " + settings.url() + ": " + firstLine(e.getMessage()));
        }
        try {
            check(influx.query(new Query("CREATE DATABASE \"" + settings.database() + "\"")));
        } catch (InfluxDBException e) {
            // A write-only user may not create databases; the writes will tell if it does not exist.
            org.slf4j.LoggerFactory.getLogger(InfluxConnections.class).warn(
                    "could not create database {}: {}", settings.database(), firstLine(e.getMessage()));
        }
        return influx;
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
