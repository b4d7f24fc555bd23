package io.touchpoint.cli;

import io.touchpoint.alerts.AlertsCommand;
import io.touchpoint.cluster.ClusterCommand;
import io.touchpoint.gateway.GatewayCommand;
import io.touchpoint.replay.ReplayCommand;
import io.touchpoint.simulate.SimulateCommand;
import io.touchpoint.stack.StackCommand;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bin/touchpoint COMMAND ...}: the commands of SPEC §7 and the operator's tools, on picocli. */
@Command(name = "touchpoint", mixinStandardHelpOptions = true, versionProvider = Touchpoint.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Touchpoint Monitor on a developer machine (every command takes --help).",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done",
            "  1  failed (one line on stderr says why)",
            "  2  bad arguments or config file (simulate and replay: also Kafka unreachable, nothing published)"})
public final class Touchpoint implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(commandLine(out, err), args, out, err);
    }

    /** {@code touchpoint COMMAND ARGS}: one command through the dispatcher, so that help and errors name it fully. */
    public static int run(String command, String[] args, PrintStream out, PrintStream err) {
        String[] full = new String[args.length + 1];
        full[0] = command;
        System.arraycopy(args, 0, full, 1, args.length);
        return run(full, out, err);
    }

    /** No command given: the usage, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Cli.BAD_ARGUMENTS;
    }

    /** Every command, in the order the usage lists them. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Touchpoint());
        cl.addSubcommand("demo", new DemoCommand());
        CommandLine stack = new CommandLine(new StackCommand(out, err));
        // the stack module does not know the project version; the dispatcher does
        stack.getCommandSpec().versionProvider(new Version());
        cl.addSubcommand("stack", stack);
        cl.addSubcommand("run", new RunCommand(out, err));
        cl.addSubcommand("cluster", new ClusterCommand(out, err));
        cl.addSubcommand("simulate", new SimulateCommand(Cli.terminal(err)));
        cl.addSubcommand("replay", new ReplayCommand(Cli.terminal(err)));
        cl.addSubcommand("gateway", new GatewayCommand(err));
        cl.addSubcommand("alerts", new AlertsCommand());
        cl.addSubcommand("bench", new BenchCommand(out));
        cl.addSubcommand("completion", new Completion());
        return cl;
    }

    /** {@code touchpoint completion}: a bash (and zsh) completion script generated from the same declarations. */
    @Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"Prints a bash/zsh completion script: source <(bin/touchpoint completion)",
                "It completes 'touchpoint' (bin/ on the PATH) and 'bin/touchpoint'."})
    static final class Completion implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CommandLine root = spec.root().commandLine();
            String script = AutoComplete.bash("touchpoint", root);
            spec.commandLine().getOut().print(script);
            spec.commandLine().getOut().println("complete -F _complete_touchpoint -o default bin/touchpoint ./bin/touchpoint");
            return Cli.OK;
        }
    }

    /** The project version, filled in by Maven (the name every command's annotation uses). */
    public static final class Version extends ProjectVersion {}

    /** The innermost cause's message on one line: what a user needs to act on. */
    public static String oneLine(Throwable e) {
        return Cli.oneLine(e);
    }
}
