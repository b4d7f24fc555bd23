package io.touchpoint.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorConfigTest {

    @TempDir
    Path dir;

    @Test
    void fileThenFlagsThenSecretsFromTheEnvironment() throws Exception {
        Path file = dir.resolve("monitor.properties");
        Files.writeString(file, String.join("\n",
                "influx.database = from_file",
                "lateness.allowed = 30 min",
                "influx.username = file-user",
                "kafka.client.security.protocol = SASL_SSL",
                "kafka.client.sasl.mechanism = SCRAM-SHA-512"));
        Configuration config = MonitorConfig.load(file, Map.of("influx.database", "from_flag"),
                Map.of(MonitorConfig.ENV_INFLUX_USER, "env-user", MonitorConfig.ENV_INFLUX_PASSWORD, "env-secret"));
        assertThat(config.get(MonitorOptions.INFLUX_DATABASE)).isEqualTo("from_flag");
        assertThat(config.get(MonitorOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.get(MonitorOptions.INFLUX_USER)).isEqualTo("env-user");
        assertThat(config.get(MonitorOptions.INFLUX_PASSWORD)).isEqualTo("env-secret");
        assertThat(MonitorConfig.kafkaClientProperties(config))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void secretsAreRefusedOnTheCommandLine() {
        assertThatThrownBy(() -> MonitorConfig.load(null, Map.of("influx.password", "oops"), Map.of()))
                .hasMessage("influx.password is a secret: set it in the environment or the properties file");
        assertThatThrownBy(() -> MonitorConfig.load(null, Map.of("kafka.client.sasl.jaas.config", "x"), Map.of()))
                .hasMessageContaining("is a secret");
    }
}
