package io.touchpoint.cli;

import io.touchpoint.influx.InfluxConnections;
import io.touchpoint.influx.InfluxSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;

/** Fails fast with a one-line reason when Kafka or InfluxDB cannot be reached, before a job is started. */
public final class Preflight {

    private Preflight() {}

    public static void requireKafka(String bootstrap, Properties clientSettings) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof AuthenticationException) {
                    // the broker's own words say which mechanism failed; they never contain the password
                    throw new IllegalStateException("Kafka at " + bootstrap + " rejected the client credentials ("
                            + t.getClass().getSimpleName() + "); check kafka.client.sasl.* in the config file");
                }
            }
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap
                    + " (is it running? 'bin/touchpoint stack up' starts a local one)");
        }
    }

    /** Opens and closes one connection with the job's InfluxDB settings: wrong credentials fail here, at start-up. */
    public static void requireCredentials(org.apache.flink.configuration.Configuration config) {
        try {
            InfluxConnections.open(InfluxSettings.from(config)).close();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    public static void requireInflux(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("InfluxDB at " + url + " answered /ping with " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot reach InfluxDB at " + url
                    + " (is it running? 'bin/touchpoint stack up' starts a local one)");
        }
    }
}
