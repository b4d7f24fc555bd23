package io.touchpoint.gateway;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * Settings of {@code touchpoint gateway}, read by the one config loader ({@code MonitorConfig}) from the same
 * properties file as the job's; Kafka address, topics and {@code kafka.client.*} settings are the job's keys.
 */
public final class GatewayOptions {

    /** Environment variable holding the access token; the token is never a flag. */
    public static final String ENV_TOKEN = "TOUCHPOINT_GATEWAY_TOKEN";

    /** Tokens shorter than this are refused: a webhook URL carries the token and must not be guessable. */
    static final int MIN_TOKEN_LENGTH = 16;

    private GatewayOptions() {}

    public static final ConfigOption<Integer> PORT = ConfigOptions.key("gateway.port")
            .intType().defaultValue(8090).withDescription("HTTP port (--port).");

    public static final ConfigOption<String> BIND_ADDRESS = ConfigOptions.key("gateway.bind-address")
            .stringType().defaultValue("127.0.0.1")
            .withDescription("Address to listen on (--bind); 0.0.0.0 only behind a firewall or in a container.");

    /** From {@code TOUCHPOINT_GATEWAY_TOKEN} or the properties file; never a flag. */
    public static final ConfigOption<String> TOKEN = ConfigOptions.key("gateway.token")
            .stringType().noDefaultValue()
            .withDescription("Bearer token, or the secret path segment of webhook URLs.");

    public static final ConfigOption<MemorySize> MAX_BODY = ConfigOptions.key("gateway.max-body")
            .memoryType().defaultValue(MemorySize.parse("1 mb"))
            .withDescription("Larger request bodies are refused with 413.");

    public static final ConfigOption<Duration> ACK_TIMEOUT = ConfigOptions.key("gateway.ack-timeout")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How long a request waits for Kafka to acknowledge its records before it is answered 503.");

    public static final ConfigOption<Duration> RETRY_AFTER = ConfigOptions.key("gateway.retry-after")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("The Retry-After of a 503 answer.");

    /**
     * The configured token.
     *
     * @throws IllegalArgumentException when there is none or it is shorter than {@value #MIN_TOKEN_LENGTH} characters
     */
    static String token(Configuration config) {
        String token = config.get(TOKEN);
        if (token == null || token.strip().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("a gateway token of at least " + MIN_TOKEN_LENGTH
                    + " characters is required: set " + ENV_TOKEN + " or gateway.token in the config file");
        }
        return token.strip();
    }
}
