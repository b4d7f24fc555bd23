package io.touchpoint.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A progress or status line for long work: on a terminal one line rewritten in place (at most once a second);
 * when the output is a file or a pipe, a plain line every {@code interval} (10 s for progress), so a log gets a
 * line now and then instead of a line per record, and a short run prints nothing but its result.
 */
public final class ProgressLine {

    private static final long TERMINAL_REFRESH_MS = 1000;

    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalMs;
    private final LongSupplier clock;
    private long lastPrinted;
    private int lastLength;

    /**
     * @param clock milliseconds, for the intervals (System::currentTimeMillis, or a test's)
     */
    public ProgressLine(PrintWriter out, boolean terminal, Duration interval, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.intervalMs = interval.toMillis();
        this.clock = clock;
        this.lastPrinted = clock.getAsLong();
    }

    /** Progress of long work: rewritten in place on a terminal ({@link Cli#terminal}), else a line every 10 s. */
    public static ProgressLine progress(PrintWriter err, boolean terminal) {
        return new ProgressLine(err, terminal, Duration.ofSeconds(10), System::currentTimeMillis);
    }

    /** Call as often as convenient: the text is built and printed only when a line is due. */
    public void update(Supplier<String> text) {
        long now = clock.getAsLong();
        if (now - lastPrinted < (terminal ? TERMINAL_REFRESH_MS : intervalMs)) {
            return;
        }
        lastPrinted = now;
        print(text.get());
    }

    /** Clears a terminal line so that the result printed next stands alone; nothing when not a terminal. */
    public void finish() {
        if (terminal && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }

    private void print(String line) {
        if (terminal) {
            String padded = line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
            out.print("\r" + padded);
            lastLength = padded.length();
        } else {
            out.println(line);
        }
        out.flush();
    }
}
