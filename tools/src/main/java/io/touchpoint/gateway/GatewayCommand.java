package io.touchpoint.gateway;

import io.touchpoint.cli.Preflight;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;

/** {@code touchpoint gateway}: the HTTP ingest gateway, until Ctrl-C or SIGTERM. */
public final class GatewayCommand {

    static final String USAGE = String.join("\n",
            "usage: touchpoint gateway [--port 8090] [--bind ADDRESS] [--kafka HOST:PORT] [--config FILE]",
            "",
            "An HTTP server that publishes what it is sent to cx.interactions and cx.surveys, as replay does:",
            "  POST /v1/events                   the JSON Lines form (one object, an array, or one object per line);",
            "                                    202 with counts per topic, or 400 naming each bad line",
            "  POST /v1/webhooks/chatwoot[/TOKEN] Chatwoot webhooks, mapped as docs/chatwoot.md says",
            "  GET  /v1/stats                    published, ignored and refused counts; GET /healthz: liveness",
            "Requests need the token (Authorization: Bearer TOKEN, or as the last path segment of a webhook URL),",
            "from " + GatewayOptions.ENV_TOKEN + " or gateway.token in the config file, never a flag. A 2xx is sent only",
            "after Kafka acknowledged; otherwise 503 with Retry-After. Listens on 127.0.0.1 unless --bind says otherwise.");

    private GatewayCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(), new CountDownLatch(1));
    }

    /**
     * @param stop counted down to stop the gateway (by the shutdown hook when run from the command line)
     */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, CountDownLatch stop) {
        Map<String, String> flags = new HashMap<>();
        Path configFile = null;
        Configuration config;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--port" -> flags.put(GatewayOptions.PORT.key(), value(args, ++i, "--port"));
                    case "--bind" -> flags.put(GatewayOptions.BIND_ADDRESS.key(), value(args, ++i, "--bind"));
                    case "--kafka" -> flags.put(MonitorOptions.KAFKA_BOOTSTRAP.key(), value(args, ++i, "--kafka"));
                    case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' (see --help)");
                }
            }
            if (configFile != null && !Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("cannot read config " + configFile + " (no such file)");
            }
            config = MonitorConfig.load(configFile, flags, env);
            if (env.containsKey(GatewayOptions.ENV_TOKEN)) {
                config.set(GatewayOptions.TOKEN, env.get(GatewayOptions.ENV_TOKEN));
            }
            GatewayOptions.token(config);
            int port = config.get(GatewayOptions.PORT);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0-65535, got " + port);
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("touchpoint gateway: " + e.getMessage());
            return 2;
        }
        String bootstrap = config.get(MonitorOptions.KAFKA_BOOTSTRAP);
        try {
            Preflight.requireKafka(bootstrap, MonitorConfig.kafkaClientProperties(config));
        } catch (IllegalStateException e) {
            // webhooks may arrive before Kafka is up (compose starts both); they are answered 503 until it is
            err.println("touchpoint gateway: warning: " + e.getMessage() + "; answering 503 until it can be reached");
        }
        IngestGateway gateway;
        try {
            gateway = IngestGateway.start(config, err);
        } catch (IllegalArgumentException e) {
            err.println("touchpoint gateway: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("touchpoint gateway: cannot listen on " + config.get(GatewayOptions.BIND_ADDRESS) + ":"
                    + config.get(GatewayOptions.PORT) + " (" + e.getMessage() + ")");
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("gateway listening on http://" + gateway.address().getHostString() + ":" + gateway.address().getPort()
                + " (POST " + IngestGateway.EVENTS + ", POST " + IngestGateway.CHATWOOT + "), publishing to " + bootstrap);
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            gateway.close();
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook itself is what stopped us
            }
        }
        return 0;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
