package io.touchpoint.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * The one config loader: a properties file of {@link MonitorOptions} keys, then command-line settings, then
 * secrets from the environment. Secrets (InfluxDB user/password, Kafka SASL settings) are accepted from the file
 * or the environment only, never from the command line, so they do not show up in process listings.
 */
public final class MonitorConfig {

    public static final String ENV_INFLUX_USER = "TOUCHPOINT_INFLUX_USER";
    public static final String ENV_INFLUX_PASSWORD = "TOUCHPOINT_INFLUX_PASSWORD";

    private MonitorConfig() {}

    /**
     * @param file a properties file, or null
     * @param commandLine settings given as flags (never secrets)
     * @param env the process environment
     */
    public static Configuration load(Path file, Map<String, String> commandLine, Map<String, String> env)
            throws IOException {
        Configuration config = new Configuration();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            for (String key : properties.stringPropertyNames()) {
                config.setString(key, properties.getProperty(key).strip());
            }
        }
        for (Map.Entry<String, String> e : commandLine.entrySet()) {
            if (isSecret(e.getKey())) {
                throw new IllegalArgumentException(
                        e.getKey() + " is a secret: set it in the environment or the properties file");
            }
            config.setString(e.getKey(), e.getValue());
        }
        if (env.containsKey(ENV_INFLUX_USER)) {
            config.set(MonitorOptions.INFLUX_USER, env.get(ENV_INFLUX_USER));
        }
        if (env.containsKey(ENV_INFLUX_PASSWORD)) {
            config.set(MonitorOptions.INFLUX_PASSWORD, env.get(ENV_INFLUX_PASSWORD));
        }
        return config;
    }

    /** Settings that must not be given on a command line. */
    public static boolean isSecret(String key) {
        return key.equals(MonitorOptions.INFLUX_USER.key())
                || key.equals(MonitorOptions.INFLUX_PASSWORD.key())
                || key.startsWith(MonitorOptions.KAFKA_CLIENT_PREFIX + "sasl.")
                || key.startsWith(MonitorOptions.KAFKA_CLIENT_PREFIX + "ssl.");
    }

    /** Kafka client settings passed through from {@code kafka.client.*} keys (security protocol, SASL, SSL). */
    public static Properties kafkaClientProperties(Configuration config) {
        Properties properties = new Properties();
        for (Map.Entry<String, String> e : config.toMap().entrySet()) {
            if (e.getKey().startsWith(MonitorOptions.KAFKA_CLIENT_PREFIX)) {
                properties.setProperty(e.getKey().substring(MonitorOptions.KAFKA_CLIENT_PREFIX.length()), e.getValue());
            }
        }
        return properties;
    }
}
