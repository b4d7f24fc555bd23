package io.touchpoint.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * How every picocli command runs: output and errors on the given streams, a bad argument as one line with a usage
 * hint and exit 2, an expected failure as one line and exit 1 (a {@link BadInput} as exit 2), never a stack
 * trace for a user's mistake. In the stack module, the lowest that has commands, so that every module's commands
 * run the same way.
 */
public final class Cli {

    /** Exit codes, as the README documents them. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_ARGUMENTS = 2;

    /** A failure caused by what the user gave (a file that does not parse, an unknown name): exit 2. */
    public static final class BadInput extends RuntimeException {
        public BadInput(String message) {
            super(message);
        }
    }

    private Cli() {}

    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = command instanceof CommandLine given ? given : new CommandLine(command);
        // a replay file named @x must not be read as an argument file
        cl.setExpandAtFiles(false);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine failed = e.getCommandLine();
            String message = e.getMessage();
            if (e instanceof CommandLine.UnmatchedArgumentException u && failed.getParent() == null
                    && !failed.getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command '" + u.getUnmatched().get(0) + "'";
            }
            failed.getErr().println(name(failed) + ": " + message + " (see " + name(failed) + " --help)");
            return BAD_ARGUMENTS;
        });
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            failed.getErr().println(name(failed) + ": " + oneLine(e));
            return e instanceof BadInput || e instanceof IllegalArgumentException ? BAD_ARGUMENTS : FAILED;
        });
        return cl.execute(args);
    }

    /** Whether {@code stream} is this process's standard output or error on a terminal (progress lines rewrite then). */
    public static boolean terminal(PrintStream stream) {
        return (stream == System.err || stream == System.out) && System.console() != null;
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

    /** "touchpoint alerts test": the command's full name as a user types it. */
    static String name(CommandLine cl) {
        String qualified = cl.getCommandSpec().qualifiedName(" ");
        return qualified.startsWith("touchpoint") ? qualified : "touchpoint " + qualified;
    }
}
