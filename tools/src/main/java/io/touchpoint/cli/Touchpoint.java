package io.touchpoint.cli;

import io.touchpoint.alerts.AlertsCommand;
import io.touchpoint.gateway.GatewayCommand;
import io.touchpoint.replay.ReplayCommand;
import io.touchpoint.simulate.SimulateCommand;
import io.touchpoint.stack.StackCommand;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code bin/touchpoint COMMAND ...}: dispatches to the commands of SPEC §7. */
public final class Touchpoint {

    static final String USAGE = String.join("\n",
            "usage: touchpoint COMMAND [OPTIONS]   (every command takes --help)",
            "",
            "  demo       start a private local stack, simulate a few hours with a degraded channel, run the job",
            "             bounded and print a per-channel summary read back from InfluxDB",
            "  stack      up|down|status: a local Kafka (KRaft) and influxd on loopback, data under .stack/",
            "  run        run the monitor job in a local Flink mini-cluster (live, or --bounded)",
            "  simulate   publish realistic synthetic contact-centre traffic to Kafka",
            "  replay     publish a JSON Lines export (.jsonl or .jsonl.gz) to Kafka",
            "  alerts     evaluate the provisioned Grafana alert rules against InfluxDB; 'alerts test' runs rule tests",
            "  gateway    HTTP ingest: JSON events and Chatwoot webhooks published to Kafka",
            "  bench      measure throughput against a local Kafka topic (docs/benchmarks.md)");

    private Touchpoint() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "demo" -> DemoCommand.run(rest, out, err);
                case "stack" -> StackCommand.run(rest, out, err);
                case "run" -> RunCommand.run(rest, out, err);
                case "simulate" -> SimulateCommand.run(rest, out, err);
                case "replay" -> ReplayCommand.run(rest, out, err);
                case "gateway" -> GatewayCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "alerts" -> Cli.execute(new AlertsCommand(), rest, out, err);
                default -> {
                    err.println("touchpoint: unknown command '" + args[0] + "' (see bin/touchpoint --help)");
                    yield 2;
                }
            };
        } catch (RuntimeException e) {
            err.println("touchpoint " + args[0] + ": " + oneLine(e));
            return 1;
        }
    }

    /** The innermost cause's message on one line: what a user needs to act on. */
    public static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
