package io.touchpoint.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arguments and the token rules of {@code touchpoint gateway}: each mistake is one line and exit 2. */
class GatewayCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return GatewayCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, new CountDownLatch(0));
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void helpNamesTheEndpoints() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("POST /v1/events", "POST /v1/webhooks/chatwoot[/TOKEN]",
                GatewayOptions.ENV_TOKEN);
    }

    @Test
    void theTokenIsNeverAFlag() {
        assertThat(run(Map.of(), "--token", "0123456789abcdef0123")).isEqualTo(2);
        // picocli's wording since the command is declared with it (issue 11); still one line and exit 2
        assertThat(error()).isEqualTo("touchpoint gateway: Unknown options: '--token', '0123456789abcdef0123' "
                + "(see touchpoint gateway --help)");
    }

    @Test
    void withoutATokenTheGatewayDoesNotStart() {
        assertThat(run(Map.of(), "--port", "0")).isEqualTo(2);
        assertThat(error()).isEqualTo("touchpoint gateway: a gateway token of at least 16 characters is required: "
                + "set TOUCHPOINT_GATEWAY_TOKEN or gateway.token in the config file");
    }

    @Test
    void aShortTokenIsRefused() throws Exception {
        Path config = dir.resolve("gateway.properties");
        Files.writeString(config, "gateway.token = short\n");
        assertThat(run(Map.of(), "--config", config.toString())).isEqualTo(2);
        assertThat(error()).startsWith("touchpoint gateway: a gateway token of at least 16 characters is required");
        err.reset();
        assertThat(run(Map.of(GatewayOptions.ENV_TOKEN, "too-short"), "--port", "0")).isEqualTo(2);
        assertThat(error()).startsWith("touchpoint gateway: a gateway token of at least 16 characters is required");
    }

    @Test
    void badArgumentsAreOneLine() {
        Map<String, String> env = Map.of(GatewayOptions.ENV_TOKEN, "0123456789abcdef0123");
        assertThat(run(env, "--port")).isEqualTo(2);
        assertThat(error()).isEqualTo("touchpoint gateway: Missing required parameter for option '--port' (PORT) "
                + "(see touchpoint gateway --help)");
        err.reset();
        assertThat(run(env, "--port", "70000")).isEqualTo(2);
        assertThat(error()).isEqualTo("touchpoint gateway: --port must be 0-65535, got 70000");
        err.reset();
        assertThat(run(env, "--config", dir.resolve("missing.properties").toString())).isEqualTo(2);
        assertThat(error()).startsWith("touchpoint gateway: cannot read config ");
    }
}
