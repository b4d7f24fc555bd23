package io.touchpoint.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting and stopping the server processes of the stack; only ever by the PID we started. */
public final class ChildProcesses {

    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private ChildProcesses() {}

    /**
     * Starts {@code command} with stdout and stderr appended to {@code log}. With {@code newSession} the process
     * gets a session of its own ({@code setsid}, which execs in place, so the PID stays that of the server) and so
     * survives Ctrl-C and the closing of the terminal that ran {@code stack up}.
     */
    public static Process start(List<String> command, Path log, boolean newSession) throws IOException {
        List<String> full = new ArrayList<>();
        if (newSession && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** SIGTERM, up to {@code timeout} to exit, then SIGKILL; returns once the process is gone. */
    public static void stop(ProcessHandle process, Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            process.onExit().join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of a log file, joined with " | " to fit a one-line error. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server to start");
        }
    }
}
