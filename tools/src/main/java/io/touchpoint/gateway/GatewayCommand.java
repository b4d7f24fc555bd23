package io.touchpoint.gateway;

import io.touchpoint.cli.Cli;
import io.touchpoint.cli.ConnectionOptions;
import io.touchpoint.cli.Preflight;
import io.touchpoint.cli.Touchpoint;
import io.touchpoint.config.MonitorConfig;
import io.touchpoint.config.MonitorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code touchpoint gateway}: the HTTP ingest gateway, until Ctrl-C or SIGTERM. */
@Command(name = "gateway", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        sortOptions = false, header = "HTTP ingest: JSON events and Chatwoot webhooks published to Kafka",
        description = {
            "An HTTP server that publishes what it is sent to cx.interactions and cx.surveys, as replay does:",
            "  POST /v1/events             the JSON Lines form (one object, an array, or",
            "                              one object per line); 202 with counts per",
            "                              topic, or 400 naming each bad line",
            "  POST /v1/webhooks/chatwoot[/TOKEN]",
            "                              Chatwoot webhooks, mapped as docs/chatwoot.md says",
            "  GET  /v1/stats              published, ignored and refused counts",
            "  GET  /healthz               liveness",
            "Requests need the token (Authorization: Bearer TOKEN, or as the last path segment of a webhook URL), "
                    + "from " + GatewayOptions.ENV_TOKEN + " or gateway.token in the config file, never a flag. A "
                    + "2xx is sent only after Kafka acknowledged; otherwise 503 with Retry-After."})
public final class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port, 0 for any free one (default: "
            + "gateway.port of --config, else 8090).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: "
            + "gateway.bind-address of --config, else 127.0.0.1).")
    String bind;

    @Mixin
    ConnectionOptions.Kafka kafka;

    @Mixin
    ConnectionOptions.Config config;

    private final Map<String, String> env;
    private final CountDownLatch stop;
    private final PrintStream log;

    /**
     * @param stop counted down to stop the gateway (by the shutdown hook when run from the command line)
     * @param log where the gateway logs refused requests and Kafka trouble (stderr)
     */
    GatewayCommand(Map<String, String> env, CountDownLatch stop, PrintStream log) {
        this.env = env;
        this.stop = stop;
        this.log = log;
    }

    public GatewayCommand(PrintStream log) {
        this(System.getenv(), new CountDownLatch(1), log);
    }

    /** {@code touchpoint gateway ARGS}, as the dispatcher runs it but with a given environment and stop signal. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, CountDownLatch stop) {
        return Cli.execute(new GatewayCommand(env, stop, err), args, out, err);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> flags = new HashMap<>();
        if (port != null) {
            flags.put(GatewayOptions.PORT.key(), Integer.toString(port));
        }
        if (bind != null) {
            flags.put(GatewayOptions.BIND_ADDRESS.key(), bind);
        }
        Configuration config = ConnectionOptions.load(this.config, kafka, null, flags, env);
        if (env.containsKey(GatewayOptions.ENV_TOKEN)) {
            config.set(GatewayOptions.TOKEN, env.get(GatewayOptions.ENV_TOKEN));
        }
        try {
            GatewayOptions.token(config);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        }
        int listen = config.get(GatewayOptions.PORT);
        if (listen < 0 || listen > 65535) {
            throw new Cli.BadInput("--port must be 0-65535, got " + listen);
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
            gateway = IngestGateway.start(config, log);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadInput(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + config.get(GatewayOptions.BIND_ADDRESS) + ":"
                    + config.get(GatewayOptions.PORT) + " (" + e.getMessage() + ")");
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
        return Cli.OK;
    }
}
